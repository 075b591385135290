// An import job's page: asks the job's progress every few seconds and moves the progress bar;
// once the job is done or stopped, loads the page again for the summary. Without JavaScript
// the page's "Refresh" link does the same by hand.
(function () {
  "use strict";

  const EVERY_MS = 1500;
  const section = document.getElementById("import-job");
  if (!section || section.dataset.finished === "true") {
    return;
  }
  const bar = document.getElementById("import-progress");
  const text = document.getElementById("import-progress-text");
  const state = document.getElementById("import-state");

  function show(progress) {
    bar.max = Math.max(progress.rows_total, progress.rows_done, 1);
    bar.value = progress.rows_done;
    bar.textContent = progress.progress;
    text.textContent = progress.progress;
    if (state.textContent !== progress.state) {
      state.textContent = progress.state; // a status region: read out when it changes
    }
  }

  function ask() {
    fetch(section.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (progress) {
        show(progress);
        if (progress.finished) {
          window.location.reload();
        } else {
          window.setTimeout(ask, EVERY_MS);
        }
      })
      .catch(function () {
        window.setTimeout(ask, EVERY_MS * 4); // the server is away for a moment: ask again later
      });
  }

  window.setTimeout(ask, EVERY_MS);
})();
