// The clinician's workspace. Talks only to the server that served it (same origin); offsets it receives are
// UTF-16 code units already (the server converts them from Unicode scalars in one place, TextOffsets.swift), so
// they index JavaScript strings directly.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { draftId: null, version: null, text: "", lastResult: null, source: null };

function headers(json) {
  const h = {};
  if (json) h["Content-Type"] = "application/json";
  const key = $("api-key").value || sessionStorage.getItem("vellum-key") || "";
  if (key) h["Authorization"] = "Bearer " + key;
  return h;
}

async function api(method, path, body) {
  const response = await fetch(path, { method, headers: headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body) });
  const value = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((value.error && value.error.message) || response.status + " " + response.statusText);
  return value;
}

function say(message) { $("status").textContent = message; }

// Server-sent events over a POST (EventSource only does GET): calls onEvent(name, data) per event.
async function postEvents(path, body, onEvent) {
  const response = await fetch(path, { method: "POST", headers: headers(true), body: JSON.stringify(body) });
  if (!response.ok) {
    const value = await response.json().catch(() => ({}));
    throw new Error((value.error && value.error.message) || String(response.status));
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message", data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) name = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      onEvent(name, data === "[DONE]" ? null : JSON.parse(data));
    }
  }
}

// A stable colour per identifier kind, so a kind reads the same everywhere.
function kindColor(kind) {
  let hash = 0;
  for (const c of kind) hash = (hash * 31 + c.charCodeAt(0)) % 360;
  return `hsl(${hash}, 85%, 82%)`;
}

// Appends `text` to `parent` with the [start, end) UTF-16 ranges of `marks` wrapped in <mark>.
function appendMarked(parent, text, offset, marks, markClass) {
  let at = 0;
  for (const m of marks) {
    const start = Math.max(m.start - offset, at), end = Math.min(m.end - offset, text.length);
    if (end <= start) continue;
    parent.append(text.slice(at, start));
    const mark = document.createElement("mark");
    mark.className = markClass;
    mark.textContent = text.slice(start, end);
    mark.title = m.kind + (m.note ? " - " + m.note : "");
    if (markClass === "phi") mark.style.setProperty("--kind-color", kindColor(m.kind));
    parent.append(mark);
    at = end;
  }
  parent.append(text.slice(at));
}

// The text one numbered line per element (citations scroll to them), with marks.
function renderLines(container, text, marks, markClass) {
  container.replaceChildren();
  const sorted = [...marks].sort((a, b) => a.start - b.start);
  let offset = 0;
  text.split("\n").forEach((line, index) => {
    const element = document.createElement("span");
    element.className = "line";
    element.dataset.n = String(index + 1);
    element.id = "source-line-" + (index + 1);
    appendMarked(element, line, offset, sorted.filter((m) => m.start < offset + line.length && m.end > offset), markClass);
    element.append("\n");
    container.append(element);
    offset += line.length + 1;
  });
}

function renderLegend(marks) {
  const kinds = [...new Set(marks.map((m) => m.kind))].sort();
  $("legend").replaceChildren(...kinds.map((kind) => {
    const mark = document.createElement("mark");
    mark.className = "phi";
    mark.style.setProperty("--kind-color", kindColor(kind));
    mark.textContent = `${kind} ×${marks.filter((m) => m.kind === kind).length}`;
    return mark;
  }));
}

async function deidentify() {
  const text = $("input").value;
  if (!text.trim()) { say("Paste or open a record first."); return; }
  say("De-identifying…");
  try {
    let highlights = [];
    await postEvents("/api/tasks/deidentify/stream", { text }, (name, data) => {
      if (name === "result") highlights = data.highlights;
      if (name === "error") throw new Error(data.error.message);
    });
    renderLines($("source"), text, highlights, "phi");
    renderLegend(highlights);
    $("deid-count").textContent = `(${highlights.length})`;
    say(`${highlights.length} identifier(s) found; they are replaced before the model sees the text.`);
  } catch (error) { say("De-identification failed: " + error.message); }
}

function scrollToLine(n) {
  const line = $("source-line-" + n);
  if (!line) return;
  line.scrollIntoView({ block: "center" });
  line.classList.add("flash");
  setTimeout(() => line.classList.remove("flash"), 1200);
  $("source").focus({ preventScroll: true });
}

function citationButtons(citations) {
  return (citations || []).map((c) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "cite";
    button.textContent = c.lineStart === c.lineEnd ? `L${c.lineStart}` : `L${c.lineStart}–${c.lineEnd}`;
    button.title = "Show the source line";
    button.addEventListener("click", () => scrollToLine(c.lineStart));
    return button;
  });
}

// A summary: every item with buttons for the lines it cites; unsupported items apart, never as fact.
function renderSummary(summary) {
  const view = $("summary-view");
  view.replaceChildren();
  for (const [key, title] of [["problems", "Problems"], ["medications", "Medications"], ["allergies", "Allergies"],
                              ["results", "Key results"], ["timeline", "Timeline"], ["planned", "Planned"]]) {
    const items = summary[key] || [];
    if (!items.length) continue;
    const heading = document.createElement("h3");
    heading.textContent = title;
    const list = document.createElement("ul");
    for (const item of items) {
      const li = document.createElement("li");
      li.append(item.text, ...citationButtons(item.citations));
      list.append(li);
    }
    view.append(heading, list);
  }
  if ((summary.unsupported || []).length) {
    const heading = document.createElement("h3");
    heading.textContent = "Not supported by the record";
    const list = document.createElement("ul");
    for (const item of summary.unsupported) {
      const li = document.createElement("li");
      li.className = "unsupported";
      li.textContent = `${item.category}: ${item.text} (${item.reason})`;
      list.append(li);
    }
    view.append(heading, list);
  }
}

function showDraft(text, highlights) {
  state.text = text;
  $("draft-view").replaceChildren();
  appendMarked($("draft-view"), text, 0, [...highlights].sort((a, b) => a.start - b.start), "fact");
  $("draft-text").value = text;
  $("findings").replaceChildren(...highlights.map((h) => {
    const li = document.createElement("li");
    li.textContent = `${h.kind}: “${text.slice(h.start, h.end)}” ${h.note}`;
    return li;
  }));
}

// The model's text as it is written: de-identified and not yet checked, each generation in its own block. The
// result replaces it with the restored draft and its findings.
function streamIn(event) {
  const view = $("draft-view");
  if (event.started || !view.lastElementChild) {
    const block = document.createElement("pre");
    block.className = "streaming";
    view.append(block);
  }
  if (event.piece) view.lastElementChild.textContent += event.piece;
}

async function runTask() {
  const task = $("task").value, text = $("input").value;
  if (!text.trim()) { say("Paste or open a record first."); return; }
  if (!$("source").childElementCount) await deidentify();
  const progress = $("progress");
  progress.hidden = false; progress.value = 0;
  $("summary-view").replaceChildren(); $("draft-view").replaceChildren(); $("findings").replaceChildren();
  say(`Running ${task}…`);
  try {
    await postEvents(`/api/tasks/${task}/stream`, { text, keep_input: $("keep-input").checked }, (name, data) => {
      if (name === "progress") { progress.max = data.total; progress.value = data.done; say(`${task}: step ${data.done} of ${data.total}`); }
      if (name === "text") streamIn(data);
      if (name === "error") throw new Error(data.error.message);
      if (name === "result") {
        state.lastResult = data.result;
        state.source = text;
        state.draftId = data.result.draft_id || null;
        state.version = 1;
        $("draft-id").textContent = state.draftId ? `${state.draftId} (unsigned)` : "";
        showDraft(data.text, data.highlights);
        if (task === "summarize") renderSummary(data.result);
        say(`Draft ${state.draftId || ""} saved, unsigned: ${data.highlights.length} unsupported fact(s) marked. Review before signing.`);
      }
    });
  } catch (error) { say(`${task} failed: ` + error.message); }
  progress.hidden = true;
}

// The server checks the edit against the record the draft came from (sent when this page drafted it; else the
// input kept with the draft), so a fact typed in is marked like one the model wrote.
async function saveEdit() {
  if (!state.draftId) { say("No draft to save."); return; }
  try {
    const body = { text: $("draft-text").value };
    if (state.source) body.source = state.source;
    const edit = await api("PUT", `/api/drafts/${state.draftId}`, body);
    state.version = edit.record.versionCount;
    showDraft(edit.text, edit.highlights);
    $("draft-id").textContent = `${state.draftId} (${edit.record.status}, version ${state.version})`;
    say(edit.findings
      ? `Edit saved as version ${state.version}: ${edit.findings.length} fact(s) not in the input marked.`
      : `Edit saved as version ${state.version}, not fact-checked: the input was not kept with this draft.`);
  } catch (error) { say("Saving failed: " + error.message); }
}

async function sign() {
  if (!state.draftId) { say("No draft to sign."); return; }
  if ($("draft-text").value !== state.text) await saveEdit();
  const by = $("signer").value.trim();
  if (!by) { say("Type the signing clinician's name."); $("signer").focus(); return; }
  try {
    const record = await api("POST", `/api/drafts/${state.draftId}/sign`, { by, version: state.version });
    $("draft-id").textContent = `${state.draftId} (signed by ${by})`;
    say(`Signed: ${record.id} by ${by}.`);
  } catch (error) { say("Signing failed: " + error.message); }
}

function exportText() {
  const blob = new Blob([$("draft-text").value], { type: "text/plain" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = (state.draftId || "draft") + ".txt";
  link.click();
  URL.revokeObjectURL(link.href);
}

async function loadDrafts() {
  const query = new URLSearchParams();
  if ($("filter-status").value) query.set("status", $("filter-status").value);
  if ($("filter-task").value) query.set("task", $("filter-task").value);
  try {
    const records = await api("GET", "/api/drafts?" + query);
    const find = $("filter-text").value.trim().toLowerCase();
    const rows = records.filter((r) => !find || JSON.stringify([r.id, r.task, r.status, r.signature && r.signature.signedBy]).toLowerCase().includes(find));
    $("drafts-table").tBodies[0].replaceChildren(...rows.map((r) => {
      const tr = document.createElement("tr");
      tr.tabIndex = 0;
      for (const cell of [r.id, r.task, r.status, r.versionCount, r.findingCount, (r.createdAt || "").replace("T", " ").slice(0, 16),
                          r.signature ? r.signature.signedBy : ""]) {
        const td = document.createElement("td");
        td.textContent = cell === undefined ? "" : String(cell);
        tr.append(td);
      }
      const open = () => openDraft(r.id);
      tr.addEventListener("click", open);
      tr.addEventListener("keydown", (e) => { if (e.key === "Enter") open(); });
      return tr;
    }));
  } catch (error) { say("Listing drafts failed: " + error.message); }
}

async function openDraft(id) {
  try {
    const detail = await api("GET", `/api/drafts/${id}`);
    state.draftId = String(id);
    state.source = null;
    state.version = detail.record.versionCount;
    $("draft-id").textContent = `${id} (${detail.record.status})`;
    const latest = detail.versions[detail.versions.length - 1];
    showDraft(latest ? latest.text : "", detail.highlights);
    if (latest) say(latest.findings ? `Version ${latest.version}: ${detail.highlights.length} unsupported fact(s) marked.`
                                    : `Version ${latest.version} was not fact-checked (its input was not at hand).`);
    $("summary-view").replaceChildren();
    switchView("work");
    $("draft-text").focus();
  } catch (error) { say("Opening the draft failed: " + error.message); }
}

// Stats as the store reports them: any object becomes a table, any list a list.
function renderValue(value) {
  if (Array.isArray(value)) {
    const list = document.createElement("ul");
    list.append(...value.map((v) => { const li = document.createElement("li"); li.append(renderValue(v)); return li; }));
    return list;
  }
  if (value && typeof value === "object") {
    const table = document.createElement("table");
    for (const [key, v] of Object.entries(value)) {
      const tr = document.createElement("tr"), th = document.createElement("th"), td = document.createElement("td");
      th.textContent = key; td.append(renderValue(v)); tr.append(th, td); table.append(tr);
    }
    return table;
  }
  return document.createTextNode(typeof value === "number" && !Number.isInteger(value) ? value.toFixed(2) : String(value));
}

async function loadStats() {
  try { $("stats").replaceChildren(renderValue(await api("GET", "/api/stats"))); } catch (error) { say("Stats failed: " + error.message); }
}

function switchView(name) {
  for (const tab of document.querySelectorAll(".tab")) {
    if (tab.dataset.view === name) tab.setAttribute("aria-current", "page"); else tab.removeAttribute("aria-current");
  }
  for (const view of document.querySelectorAll(".view")) view.hidden = view.id !== "view-" + name;
  if (name === "drafts") loadDrafts();
  if (name === "stats") loadStats();
}

async function init() {
  $("api-key").value = sessionStorage.getItem("vellum-key") || "";
  $("api-key").addEventListener("change", () => sessionStorage.setItem("vellum-key", $("api-key").value));
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => switchView(tab.dataset.view));
  $("deid").addEventListener("click", deidentify);
  $("run").addEventListener("click", runTask);
  $("save").addEventListener("click", saveEdit);
  $("sign").addEventListener("click", sign);
  $("export").addEventListener("click", exportText);
  $("refresh").addEventListener("click", loadDrafts);
  $("filter-text").addEventListener("input", loadDrafts);
  $("input").addEventListener("keydown", (e) => { if (e.key === "Enter" && e.ctrlKey) { e.preventDefault(); deidentify(); } });
  $("input").addEventListener("input", () => $("source").replaceChildren());
  $("file").addEventListener("change", async () => {
    const file = $("file").files[0];
    if (file) { $("input").value = await file.text(); deidentify(); }
  });
  try {
    const tasks = await api("GET", "/api/tasks");
    $("task").replaceChildren(...tasks.filter((t) => t.name !== "deidentify").map((t) => {
      const option = document.createElement("option");
      option.value = t.name; option.textContent = t.name; option.title = t.summary;
      return option;
    }));
    for (const name of ["summary", "note", "letter", "referral", "appeal", "frontdesk", "coding"]) {
      const option = document.createElement("option");
      option.textContent = name;
      $("filter-task").append(option);
    }
  } catch (error) { say("The server did not answer: " + error.message + " (an API key may be needed)"); }
}

init();
