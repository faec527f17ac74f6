// The postmortem editor's small enhancements. Everything works without this file; htmx does the requests.
"use strict";

(() => {
  const source = document.getElementById("factor-help");
  const factors = source ? JSON.parse(source.textContent) : {};

  // While a factor is chosen, say what it means and which question its family asks.
  const describeFactor = (select) => {
    const about = document.getElementById(`${select.id}_about`);
    if (!about) return;
    const factor = factors[select.value];
    const lines = [];
    if (factor) {
      const first = document.createElement("p");
      const name = document.createElement("strong");
      name.textContent = factor.name;
      first.append(name, `: ${factor.definition}`);
      const second = document.createElement("p");
      second.className = "muted";
      second.textContent = `${factor.family} asks: ${factor.question}`;
      lines.push(first, second);
    } else {
      const empty = document.createElement("p");
      empty.className = "muted";
      empty.textContent = "Each factor's definition and its family's question appear here once chosen.";
      lines.push(empty);
    }
    about.replaceChildren(...lines);
  };

  // A decision asks why it made sense: mark its "why" field while the kind is "decision".
  const markDecision = (select) => {
    const form = select.closest(".event-form");
    if (form) form.classList.toggle("is-decision", select.value === "decision");
  };
  const isEventKind = (element) => element instanceof HTMLSelectElement && /-kind$/.test(element.name);

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target instanceof HTMLSelectElement && target.classList.contains("factor-select")) describeFactor(target);
    if (isEventKind(target)) markDecision(target);
  });
  const markAll = (root) => {
    root.querySelectorAll(".event-form select").forEach((select) => { if (isEventKind(select)) markDecision(select); });
  };
  markAll(document);

  // A row editor swapped in by htmx says where the cursor belongs: the first field with an error, or the
  // emptied form for the next row. (Radio buttons are found by their group's id prefix.)
  const placeCursor = () => {
    for (const section of document.querySelectorAll(".rows-editor[data-focus]")) {
      const id = section.dataset.focus;
      delete section.dataset.focus;
      const target = document.getElementById(id) || section.querySelector(`[id^="${CSS.escape(id)}_"]`);
      if (target) target.focus();
    }
  };
  document.addEventListener("htmx:afterSettle", (event) => {
    markAll(event.target);
    placeCursor();
  });
  // A full page (no script needed to get here) with a row's errors: the same, once.
  placeCursor();

  // After an edit conflict, take the reader to the report of what changed.
  const conflict = document.getElementById("conflict");
  if (conflict) conflict.focus();
})();
