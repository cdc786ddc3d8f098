/** Rupees the way an Indian owner reads them: ₹45,000; ₹6.9 lakh; ₹1.2 crore (as the format_inr macro). */
export function formatInr(amount: number): string {
  if (amount >= 1e7) return `₹${(amount / 1e7).toFixed(1).replace(/\.0$/, '')} crore`;
  if (amount >= 1e5) return `₹${(amount / 1e5).toFixed(1).replace(/\.0$/, '')} lakh`;
  return `₹${Math.round(amount).toLocaleString('en-IN')}`;
}
