// The replywatch dashboards (Observable Framework). Built offline: every library is imported from
// node_modules, and no stylesheet or font comes from another host. `replywatch dashboard build`
// runs the data loaders against the warehouse of --data and writes the static site.
export default {
  title: 'replywatch',
  root: 'dashboards',
  output: process.env.REPLYWATCH_DASHBOARD_OUT ?? 'dist',
  pages: [
    { name: 'Weekly response health', path: '/' },
    { name: 'When we fail', path: '/when-we-fail' },
    { name: 'Four failure modes', path: '/failure-modes' },
    { name: 'Team', path: '/team' },
    { name: 'Next actions', path: '/next-actions' },
    { name: 'Live board', path: '/live' },
    { name: 'Data health', path: '/data-health' },
  ],
  // The default pulls Source Serif from Google Fonts; system fonts need no network.
  globalStylesheets: [],
  style: 'style.css',
  // No favicon request: the site makes no request it cannot answer.
  head: '<link rel="icon" href="data:,">',
  search: false,
  footer: 'replywatch: response management for businesses that sell on WhatsApp.',
};
