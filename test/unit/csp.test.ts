import { describe, expect, it } from 'vitest';
import { cameraOriginsFrom, contentSecurityPolicy } from '../../main/core/bridge/csp';

const directive = (csp: string, name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `)) ?? '';

describe('content security policy', () => {
  it('lets the page reach nothing but itself by default', () => {
    const csp = contentSecurityPolicy();
    expect(directive(csp, 'connect-src')).toBe("connect-src 'self'");
    expect(directive(csp, 'media-src')).toBe("media-src 'self' blob:");
    expect(csp).not.toMatch(/\bhttps?:(?!\/\/)/); // no scheme-wide sources
    expect(directive(csp, 'script-src')).toBe("script-src 'self'");
  });

  it('adds configured video gateways to connect, img and media, and nowhere else', () => {
    const csp = contentSecurityPolicy({ connectSelf: ['ws://127.0.0.1:5173'], cameraOrigins: ['http://10.1.2.3:8080', 'https://video.mh.gov.example'] });
    for (const d of ['connect-src', 'img-src', 'media-src']) {
      expect(directive(csp, d)).toContain('http://10.1.2.3:8080');
      expect(directive(csp, d)).toContain('https://video.mh.gov.example');
    }
    expect(directive(csp, 'connect-src')).toContain('ws://127.0.0.1:5173');
    expect(directive(csp, 'script-src')).toBe("script-src 'self'");
    expect(directive(csp, 'default-src')).toBe("default-src 'self'");
  });

  it('reads LINKAGE_CAMERA_ORIGINS as origins only, and refuses anything else clearly', () => {
    expect(cameraOriginsFrom(undefined)).toEqual([]);
    expect(cameraOriginsFrom(' http://10.1.2.3:8080/ , https://video.example,http://10.1.2.3:8080')).toEqual(['http://10.1.2.3:8080', 'https://video.example']);
    expect(() => cameraOriginsFrom('http://10.1.2.3/streams')).toThrow(/scheme:\/\/host/);
    expect(() => cameraOriginsFrom("http://a.example 'unsafe-inline'")).toThrow(/LINKAGE_CAMERA_ORIGINS/);
    expect(() => cameraOriginsFrom('javascript:alert(1)')).toThrow(/LINKAGE_CAMERA_ORIGINS/);
    expect(() => cameraOriginsFrom('*')).toThrow(/not an address/);
    expect(() => cameraOriginsFrom('http://user:pw@cam.example')).toThrow(/scheme:\/\/host/);
  });
});
