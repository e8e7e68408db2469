-- The hub cluster's database and role (deploy/README.md, step 1). Nothing else: each hub node
-- creates and migrates its own tables at start (hub/store/postgres/migrations.ts).
--
-- Run by the DBA as a superuser (or a role with CREATEROLE and CREATEDB), in a terminal:
--   psql -h db.example -U postgres -d postgres -f deploy/create-database.sql
-- psql then asks twice for the new role's password (\password: typed, not echoed, sent as a
-- SCRAM hash, so it appears neither in the shell's history nor in the server's log). Generate
-- it (e.g. `openssl rand -base64 24`), keep it in the password safe; never put it in the repo.
\set ON_ERROR_STOP on

CREATE ROLE linkage LOGIN;
\password linkage

-- UTF8: the district's names and reports are Chinese. template0 lets the encoding differ from
-- template1's; if the server's default locale is not a UTF-8 one, add e.g. LOCALE 'C.UTF-8'.
CREATE DATABASE linkage OWNER linkage ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE linkage FROM PUBLIC;
