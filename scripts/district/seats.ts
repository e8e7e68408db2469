/**
 * Where each subdistrict's government sits (approximate, from general knowledge of Minhang) and its
 * English name. The seats are the Voronoi sites of the synthesized subdistrict shapes, so their
 * relative positions decide what the map looks like: north-west the Hongqiao hub and Huacao,
 * the centre Qibao, Gumei, Xinzhuang and Meilong, the south Maqiao and Jiangchuan, and east of
 * the Huangpu Pujiang and Pujin.
 */
import type { Pair } from 'polygon-clipping';

export const SUBDISTRICT_SEATS: Record<string, { nameEn: string; seat: Pair }> = {
  '310112001': { nameEn: 'Jiangchuan Road Subdistrict', seat: [121.398, 31.012] },
  '310112006': { nameEn: 'Gumei Subdistrict', seat: [121.397, 31.148] },
  '310112008': { nameEn: 'Xinhong Subdistrict', seat: [121.318, 31.205] },
  '310112009': { nameEn: 'Pujin Subdistrict', seat: [121.49, 31.1] },
  '310112101': { nameEn: 'Xinzhuang Town', seat: [121.385, 31.111] },
  '310112102': { nameEn: 'Qibao Town', seat: [121.352, 31.158] },
  '310112103': { nameEn: 'Zhuanqiao Town', seat: [121.413, 31.066] },
  '310112106': { nameEn: 'Huacao Town', seat: [121.285, 31.228] },
  '310112107': { nameEn: 'Hongqiao Town', seat: [121.372, 31.179] },
  '310112108': { nameEn: 'Meilong Town', seat: [121.425, 31.118] },
  '310112110': { nameEn: 'Wujing Town', seat: [121.455, 31.045] },
  '310112112': { nameEn: 'Maqiao Town', seat: [121.345, 31.025] },
  '310112114': { nameEn: 'Pujiang Town', seat: [121.52, 31.045] },
  '310112501': { nameEn: 'Xinzhuang Industrial Zone', seat: [121.372, 31.055] },
};
