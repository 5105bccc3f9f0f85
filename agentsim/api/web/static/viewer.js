// agentsim viewer: sortable and filterable tables, live run progress, live episode transcripts.
// Plain JavaScript, no build step, nothing fetched from outside this server.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var raw = cell.getAttribute("data-sort");
    if (raw === null) raw = cell.textContent.trim();
    var number = parseFloat(raw.replace(/[$,%]/g, ""));
    return isNaN(number) || !/^[-$\d.,%\s]+$/.test(raw) ? raw.toLowerCase() : number;
  }

  function makeSortable(table) {
    var heads = table.tHead ? table.tHead.rows[table.tHead.rows.length - 1].cells : [];
    Array.prototype.forEach.call(heads, function (th, index) {
      th.setAttribute("role", "button");
      th.tabIndex = 0;
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          if (typeof x !== typeof y) { x = String(x); y = String(y); }
          return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  }

  function makeFilter(box) {
    var table = document.getElementById(box.getAttribute("data-filter-for"));
    var input = box.querySelector("[data-filter-text]");
    if (!table || !input) return;
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = row.textContent.toLowerCase();
        row.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
    });
  }

  // a running run: poll its status (the API's own JSON, same cookie) and reload when it finishes
  function followRun(el) {
    var id = el.getAttribute("data-run");
    function tick() {
      fetch("/runs/" + id, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (run) {
          if (!run) return;
          var p = run.progress, progress = el.querySelector("[data-field=progress]");
          if (progress) {
            progress.textContent = (p.done + p.failed) + (p.planned ? " / " + p.planned : "") +
              (el.id === "run-summary" ? " finished" : "") + (p.running ? " · " + p.running + " running" : "");
          }
          if (run.status !== "running") { window.location.reload(); return; }
          window.setTimeout(tick, 2000);
        })
        .catch(function () { window.setTimeout(tick, 5000); });
    }
    window.setTimeout(tick, 1000);
  }

  function money(value) { return "$" + Math.round(value).toLocaleString("en-US"); }

  // a running episode: append each new turn from the server-sent event stream, reload at the end
  function followEpisode(el) {
    var id = el.getAttribute("data-episode");
    var transcript = document.getElementById("transcript");
    var template = document.getElementById("turn-template");
    var who = { doctor: "Doctor", patient: "Patient", gatekeeper: "Examiner", system: "System" };
    var last = -1, spent = 0;
    transcript.querySelectorAll(".turn[data-index]").forEach(function (t) {
      last = Math.max(last, parseInt(t.getAttribute("data-index"), 10));
    });
    var costs = transcript.querySelectorAll(".turn .cost");
    if (costs.length) spent = parseFloat(costs[costs.length - 1].textContent.split("$").pop().replace(/,/g, "")) || 0;
    var source = new EventSource("/episodes/" + id + "/stream");
    source.onmessage = function (event) {
      var turn = JSON.parse(event.data);
      if (turn.index <= last) return;
      last = turn.index;
      spent += turn.cost || 0;
      var node = template.content.firstElementChild.cloneNode(true);
      node.classList.add(turn.role, "fresh");
      node.setAttribute("data-index", turn.index);
      node.id = "turn-" + turn.index;
      node.querySelector(".who").textContent = who[turn.role] || turn.role;
      node.querySelector(".kind").textContent = turn.kind.replace(/_/g, " ");
      node.querySelector(".cost").textContent = (turn.cost ? "+" + money(turn.cost) + " · " : "") + money(spent);
      node.querySelector(".text").textContent = turn.text;
      var empty = document.getElementById("no-turns");
      if (empty) empty.remove();
      var note = document.getElementById("live-note");
      transcript.insertBefore(node, note);
      var turns = el.querySelector("[data-field=turns]");
      if (turns) turns.textContent = (turn.index + 1) + " turns";
      var cost = el.querySelector("[data-field=cost]");
      if (cost) cost.textContent = money(spent);
    };
    source.addEventListener("end", function () {
      source.close();
      window.setTimeout(function () { window.location.reload(); }, 300);  // the full page: score, diagnosis
    });
  }

  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll("[data-filter-for]").forEach(makeFilter);
  document.querySelectorAll("[data-run][data-status=running]").forEach(followRun);
  document.querySelectorAll("#episode-summary[data-status=running]").forEach(followEpisode);
})();
