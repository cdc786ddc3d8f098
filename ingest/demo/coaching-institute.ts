import type { RosterRecord } from '../contracts/roster.ts';

/**
 * The demo business: a coaching institute in Pune answering WhatsApp with a team of six, as in
 * the seed article's example. Speeds and habits differ per person so the team page has a story.
 */
export const BUSINESS = {
  name: 'Vidya Coaching Academy',
  wabaId: '102290129340398',
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '919820012345',
};

export interface DemoAgent extends RosterRecord {
  /** Multiplies response delays: below 1 is faster. */
  speed: number;
  /** Chance of never answering an inquiry assigned to them. */
  dropRate: number;
  /** Chance of answering from the phone in the evening or on a Sunday. */
  afterHours: number;
  /** Chance of writing a handoff note when passing an inquiry on. */
  notes: number;
}

export const TEAM: DemoAgent[] = [
  { agent_id: 'a_rajesh', name: 'Rajesh Malhotra', email: 'rajesh@vidyacoaching.in', role: 'owner', team: 'management', supervisor_id: null, capacity: 15, active: true, speed: 1.4, dropRate: 0.03, afterHours: 0.5, notes: 0.4 },
  { agent_id: 'a_priya', name: 'Priya Nair', email: 'priya@vidyacoaching.in', role: 'senior', team: 'sales', supervisor_id: 'a_rajesh', capacity: 30, active: true, speed: 0.7, dropRate: 0.02, afterHours: 0.35, notes: 0.9 },
  { agent_id: 'a_amit', name: 'Amit Verma', email: 'amit@vidyacoaching.in', role: 'sales', team: 'sales', supervisor_id: 'a_priya', capacity: 40, active: true, speed: 1.0, dropRate: 0.05, afterHours: 0.2, notes: 0.6 },
  { agent_id: 'a_sneha', name: 'Sneha Kulkarni', email: 'sneha@vidyacoaching.in', role: 'sales', team: 'sales', supervisor_id: 'a_priya', capacity: 40, active: true, speed: 0.6, dropRate: 0.03, afterHours: 0.3, notes: 0.8 },
  { agent_id: 'a_kavya', name: 'Kavya Reddy', email: 'kavya@vidyacoaching.in', role: 'support', team: 'support', supervisor_id: 'a_priya', capacity: 50, active: true, speed: 0.9, dropRate: 0.04, afterHours: 0.1, notes: 0.7 },
  { agent_id: 'a_rohan', name: 'Rohan Das', email: 'rohan@vidyacoaching.in', role: 'support', team: 'support', supervisor_id: 'a_priya', capacity: 50, active: true, speed: 1.8, dropRate: 0.1, afterHours: 0.05, notes: 0.3 },
];

export const agentById = new Map(TEAM.map((agent) => [agent.agent_id, agent]));
export const SALES = TEAM.filter((agent) => agent.role === 'sales');
export const SUPPORT = TEAM.filter((agent) => agent.role === 'support');
export const SENIORS = TEAM.filter((agent) => agent.role === 'senior' || agent.role === 'owner');

export interface DemoProduct {
  id: string;
  /** How customers write it, per language; each is an alias in the products seed. */
  names: { en: string; hinglish: string; hi: string };
  priceInr: number;
}

export const PRODUCTS: DemoProduct[] = [
  { id: 'jee_2yr', names: { en: 'JEE 2 year', hinglish: 'JEE 2 year', hi: 'जेईई दो साल' }, priceInr: 185000 },
  { id: 'jee_1yr', names: { en: 'JEE 1 year', hinglish: 'JEE 1 year', hi: 'JEE 1 year' }, priceInr: 125000 },
  { id: 'neet_2yr', names: { en: 'NEET 2 year', hinglish: 'NEET 2 year', hi: 'नीट दो साल' }, priceInr: 175000 },
  { id: 'neet_repeater', names: { en: 'NEET repeater batch', hinglish: 'NEET dropper batch', hi: 'नीट रिपीटर' }, priceInr: 110000 },
  { id: 'foundation', names: { en: 'foundation course', hinglish: 'class 9 foundation', hi: 'फाउंडेशन कोर्स' }, priceInr: 60000 },
  { id: 'crash_course', names: { en: 'crash course', hinglish: 'JEE crash course', hi: 'क्रैश कोर्स' }, priceInr: 25000 },
  { id: 'test_series', names: { en: 'test series', hinglish: 'mock test series', hi: 'टेस्ट सीरीज' }, priceInr: 20000 },
  { id: 'online_live', names: { en: 'online live batch', hinglish: 'online batch', hi: 'ऑनलाइन बैच' }, priceInr: 45000 },
  { id: 'school_partnership', names: { en: 'school partnership', hinglish: 'school tie-up', hi: 'school partnership' }, priceInr: 800000 },
];

export const CAMPAIGN_TEMPLATES = ['new_batch_announcement', 'scholarship_test_invite', 'diwali_fee_offer', 'demo_class_invite'];
