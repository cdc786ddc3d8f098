import type { Random } from './random.ts';

export type Language = 'en' | 'hinglish' | 'hi';

/** What a line of conversation is for; each has lines in English, Hinglish and Hindi. */
export type LineKind =
  | 'greeting'
  | 'high_intent'
  | 'product_question'
  | 'information'
  | 'returning'
  | 'follow_up_question'
  | 'thinking'
  | 'acknowledgement'
  | 'nudge'
  | 'price_negotiation'
  | 'complaint'
  | 'legal'
  | 'broadcast_reply'
  | 'agent_reply'
  | 'agent_next_reply'
  | 'agent_follow_up'
  | 'auto_ack'
  | 'handoff_note';

type Lines = Record<Language, readonly string[]>;

const LINES: Record<LineKind, Lines> = {
  greeting: {
    en: ['Hi', 'Hello', 'Hello sir', 'Good evening', 'Hi, need some information'],
    hinglish: ['Hello sir', 'Hi', 'Namaste sir', 'Sir ek baat puchni thi'],
    hi: ['नमस्ते', 'नमस्ते सर', 'हेलो'],
  },
  high_intent: {
    en: [
      'Hi, I want to enrol my son in the {product}. What is the admission process?',
      'We are ready to join the {product}. Please send the payment link.',
      'I would like to book a seat in the {product} for my daughter.',
      'How do I pay the fees for the {product}? We want to confirm my seat.',
    ],
    hinglish: [
      'Sir {product} mein admission lena hai, process kya hai?',
      '{product} ke liye seat book karni hai, payment kaise karu?',
      'Beta ke liye {product} join karna hai, admission chahiye.',
    ],
    hi: ['नमस्ते, मुझे {product} में एडमिशन लेना है। प्रक्रिया क्या है?', '{product} के लिए सीट बुक करनी है, फीस जमा कैसे करें?'],
  },
  product_question: {
    en: [
      'Is the {product} available in the evening batch?',
      'What is covered in the {product}?',
      'My son is in class 10. Is the {product} right for him?',
    ],
    hinglish: ['{product} ka schedule bata sakte ho?', '{product} mein kya kya cover hota hai?'],
    hi: ['{product} में क्या पढ़ाया जाता है?', 'क्या {product} शाम को होता है?'],
  },
  information: {
    en: [
      'What are the fees for class 11?',
      'What are the batch timings?',
      'When does the next batch start?',
      'Do you have hostel facility?',
      'Is there any scholarship test?',
      'Where is your centre located? Please share the address.',
      'Can I get the brochure?',
      'Is EMI available for the fees?',
    ],
    hinglish: [
      'Fees kitni hai class 11 ki?',
      'Batch timing kya hai?',
      'Next batch kab se start hoga?',
      'Hostel ki facility hai kya?',
      'Aapka centre kahan hai?',
      'Demo class milegi kya? Details batao',
    ],
    hi: ['कक्षा 11 की फीस कितनी है?', 'बैच का समय क्या है?', 'अगला बैच कब से शुरू होगा?', 'हॉस्टल की सुविधा के बारे में जानकारी दीजिए।'],
  },
  returning: {
    en: [
      'Hi, I spoke to {agent} last month about the {product}. We have decided to go ahead.',
      'Hello again! We are ready to proceed with the admission now.',
      'Hi, following up on the proposal you sent. Can we finalise this week?',
    ],
    hinglish: [
      'Sir pichli baar baat hui thi {product} ke baare mein. Ab final kar do.',
      'Hello, main wapas aaya hu. Admission ka process start karna hai.',
    ],
    hi: ['नमस्ते, पिछले महीने बात हुई थी। अब हम एडमिशन लेना चाहते हैं।', 'हमने फैसला कर लिया है, आगे बढ़ना है।'],
  },
  follow_up_question: {
    en: ['Can we pay in installments?', 'Will you send the fee structure here?', 'Is there a demo class this week?', 'What documents are needed?'],
    hinglish: ['Installment mein de sakte hai kya?', 'Fee structure yahi bhej do', 'Kaunse documents lagenge?'],
    hi: ['क्या किस्तों में फीस दे सकते हैं?', 'कौन से दस्तावेज़ चाहिए?'],
  },
  thinking: {
    en: ['Let me discuss with my husband and get back.', 'We will think about it and let you know.', 'I will visit the centre on Saturday.'],
    hinglish: ['Ghar pe discuss karke batata hu', 'Sochke batate hai sir', 'Saturday ko centre aata hu'],
    hi: ['घर पर बात करके बताते हैं।', 'सोचकर बताएंगे।'],
  },
  acknowledgement: {
    en: ['ok', 'Ok thanks', 'Thank you', 'Noted', '👍', 'okay', 'Ok sir', 'Thank you sir', 'ok mam'],
    hinglish: ['Ok ji', 'Theek hai', 'Thik hai', 'Accha', 'Shukriya', 'Theek hai sir'],
    hi: ['ठीक है', 'धन्यवाद', 'शुक्रिया', '🙏'],
  },
  nudge: {
    en: ['Hello?', 'Anyone there?', 'Please reply', 'Still waiting for a reply'],
    hinglish: ['Koi reply karega?', 'Sir please reply', 'Hello? Koi hai?'],
    hi: ['जवाब दीजिए', 'कोई है?'],
  },
  price_negotiation: {
    en: ['This is too expensive. Can you give some discount?', 'What is your best price? Another institute quoted less.'],
    hinglish: ['Fees thodi kam kar do sir', 'Bahut mehenga hai, kuch discount milega?'],
    hi: ['बहुत महंगा है, कुछ छूट मिलेगी?', 'फीस कुछ कम कर दीजिए।'],
  },
  complaint: {
    en: ['I am not happy with the response. Nobody replied for two days.', 'I want to file a complaint about the demo class.'],
    hinglish: ['Bahut bakwas service hai, koi reply nahi karta', 'Mujhe shikayat karni hai'],
    hi: ['मुझे शिकायत करनी है।', 'बेकार सेवा है, कोई जवाब नहीं देता।'],
  },
  legal: {
    en: ['I need a GST invoice for the fees paid.', 'If the refund is not processed I will go to consumer court.', 'Is the institute government approved?'],
    hinglish: ['GST invoice chahiye fees ka', 'Refund nahi mila toh consumer court jaunga'],
    hi: ['फीस का GST invoice चाहिए।', 'रिफंड नहीं मिला तो उपभोक्ता फोरम जाऊंगा।'],
  },
  broadcast_reply: {
    en: ['Interested', 'Tell me more', 'Yes please', 'Not now'],
    hinglish: ['Interested', 'Aur batao', 'Haan bhejo'],
    hi: ['रुचि है', 'और बताइए'],
  },
  agent_reply: {
    en: [
      'Hi {name}, thanks for reaching out! The {product} fee is ₹{price} and EMI is available. When can you visit for counselling?',
      'Hello {name}, I am {agent} from Vidya Coaching Academy. Happy to help — could you tell me which class your child is in?',
      'Hi {name}, sharing the details of the {product}. Batches start on the 5th; classes are 4–7 PM.',
    ],
    hinglish: [
      'Namaste {name} ji, main {agent}. {product} ki fees ₹{price} hai, EMI bhi available hai. Kab visit kar sakte hai?',
      'Hello {name} ji, details bhej rahi hu. Koi bhi doubt ho toh puchiye.',
    ],
    hi: ['नमस्ते {name} जी, मैं {agent}। {product} की फीस ₹{price} है, किस्तों की सुविधा भी है।', 'नमस्ते {name} जी, पूरी जानकारी भेज रहे हैं।'],
  },
  agent_next_reply: {
    en: ['Yes, that is possible.', 'Sure, I have sent the fee structure.', 'You will need the class 10 marksheet and two photos.', 'Yes, a demo class runs every Saturday at 11.'],
    hinglish: ['Haan ji, ho jayega.', 'Fee structure bhej diya hai.', 'Class 10 marksheet aur 2 photo chahiye.'],
    hi: ['जी हाँ, हो जाएगा।', 'फीस की जानकारी भेज दी है।'],
  },
  agent_follow_up: {
    en: ['Hi {name}, just checking in — did you get a chance to look at the details?', 'Hi {name}, seats in the {product} are filling fast. Shall I reserve one?'],
    hinglish: ['Namaste {name} ji, details dekh liye? Koi sawal ho toh batayein.', '{name} ji, {product} mein seats kam bachi hain. Reserve kar du?'],
    hi: ['नमस्ते {name} जी, क्या आपने जानकारी देख ली?'],
  },
  auto_ack: {
    en: ['Thank you for contacting Vidya Coaching Academy! 🙏 A counsellor will reply shortly. Office hours: Mon–Sat, 10 AM–7 PM.'],
    hinglish: ['Vidya Coaching Academy se sampark karne ke liye dhanyavaad! 🙏 Hamare counsellor jaldi reply karenge.'],
    hi: ['विद्या कोचिंग एकेडमी से संपर्क करने के लिए धन्यवाद! 🙏 हमारे काउंसलर जल्द ही जवाब देंगे।'],
  },
  handoff_note: {
    en: [
      'Parent asked about {product} fees; quoted ₹{price}. Wants EMI. Call after 6 PM.',
      'Returning lead, spoke last month. Ready to pay — send payment link.',
      'Asked for brochure and batch timings. Prefers Hindi.',
    ],
    hinglish: ['{product} ke liye interested, fees bata di. Follow up Saturday.'],
    hi: ['{product} के बारे में पूछा, फीस बता दी है।'],
  },
};

/** A line of the given kind in the given language, with {placeholders} filled. */
export function line(random: Random, kind: LineKind, language: Language, values: Record<string, string> = {}): string {
  const template = random.pick(LINES[kind][language]);
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '');
}

/** Indian number grouping: 185000 → 1,85,000. */
export function formatInr(amount: number): string {
  return Math.round(amount).toLocaleString('en-IN');
}

const FIRST_NAMES = [
  'Aarav', 'Vivaan', 'Aditya', 'Arjun', 'Sai', 'Reyansh', 'Krishna', 'Ishaan', 'Rohit', 'Vikram', 'Suresh', 'Manoj',
  'Ananya', 'Diya', 'Aadhya', 'Saanvi', 'Pooja', 'Kavita', 'Neha', 'Sunita', 'Meera', 'Lakshmi', 'Fatima', 'Imran',
  'Harpreet', 'Gurpreet', 'Joseph', 'Mary', 'Ravi', 'Deepak', 'Swati', 'Anjali', 'Sanjay', 'Geeta', 'Nikhil', 'Tanvi',
];
const LAST_NAMES = [
  'Sharma', 'Patil', 'Deshmukh', 'Iyer', 'Khan', 'Singh', 'Gupta', 'Joshi', 'Kulkarni', 'Naidu', 'Banerjee', 'Mehta',
  'Shaikh', 'Pawar', 'Menon', 'Chopra', 'Yadav', 'Jadhav', 'Fernandes', 'Bhosale', 'Rao', 'Mishra', 'Agarwal',
];
const HINDI_NAMES = ['राहुल', 'सुनीता', 'अमित', 'प्रिया', 'विकास', 'पूजा', 'संजय', 'नेहा'];

/** A WhatsApp profile name as people set them: full names, first names, Hindi names, an emoji. */
export function profileName(random: Random, language: Language): string {
  if (language === 'hi' && random.chance(0.5)) return random.pick(HINDI_NAMES);
  const first = random.pick(FIRST_NAMES);
  const roll = random.next();
  if (roll < 0.55) return `${first} ${random.pick(LAST_NAMES)}`;
  if (roll < 0.85) return first;
  if (roll < 0.95) return `${first} ${random.pick(['🙂', '🌸', '✨', '🇮🇳'])}`;
  return `${first.toLowerCase()}_${random.int(1, 99)}`;
}
