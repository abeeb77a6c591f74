// Polls a progress URL (an upload batch, a model's re-evaluation) and reloads the page when it has finished a
// phase: the states in data-final-states (a batch's by default).
(function () {
  const box = document.querySelector("[data-progress-url]");
  if (!box || box.dataset.running !== "1") return;
  const bar = box.querySelector("progress");
  const state = box.querySelector("[data-testid=batch-state], [data-progress-state]");
  const finals = (box.dataset.finalStates || "validated,done,failed").split(",");
  async function poll() {
    try {
      const response = await fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" } });
      const data = await response.json();
      bar.max = data.total || 1;
      bar.value = data.processed;
      state.textContent = data.state_label;
      if (finals.includes(data.state)) { window.location.reload(); return; }
    } catch (error) { /* transient: try again */ }
    setTimeout(poll, 1000);
  }
  setTimeout(poll, 500);
})();
