// The site's search ranking (html_search_scorer, set by book_site.py): Sphinx's default weights, and a
// page whose own title holds every word of the query comes before a section of another page that
// merely has the word in its heading, so "momentum" puts the momentum chapter first.
var Scorer = {
  score: (result) => {
    const [docname, title, anchor, descr, score, filename] = result;
    const query = (new URLSearchParams(window.location.search).get("q") || "").toLowerCase().trim();
    const words = query.split(/\s+/).filter((w) => w.length > 1);
    const pageTitle = String(title).toLowerCase();
    if (anchor === "" && words.length && words.every((w) => pageTitle.includes(w))) {
      return score + 30;
    }
    return score;
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
