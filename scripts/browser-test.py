#!/usr/bin/env python3
"""End-to-end test of the workspace page in a real browser: Debian's chromium, driven headless through
chromedriver's WebDriver protocol (standard library only; no selenium).

The clinician's flow: paste shorthand, de-identify (identifiers marked by kind), draft a note (the model's text
streams in, then each unsupported fact the server reports is marked in the checked draft), edit (a drug and a dose
typed in that the input lacks are flagged), sign, and find the signed draft in the drafts list.

usage: scripts/browser-test.py BASE_URL   (run by scripts/browser-test.sh, which starts the server)
"""
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

base = sys.argv[1].rstrip("/")
SHORTHAND = ("Pt John Carter, DOB 03/14/1961, MRN 4482913, seen 11/02/2026. c/o cough x3d, no fever. "
             "Lisinopril 10mg daily. BP 142/88. Plan: CXR, f/u 1 wk. Call 555-201-7734.")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    def __init__(self):
        driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
        self.port = free_port()
        self.process = subprocess.Popen([driver, f"--port={self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                self.call("GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        options = {"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--no-first-run", "--disable-background-networking", "--disable-component-update"]}
        binary = shutil.which("chromium")
        if binary:
            options["binary"] = binary
        session = self.call("POST", "/session", {"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}})
        self.session = session["value"]["sessionId"]

    def call(self, method, path, body=None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=600) as response:
            return json.loads(response.read())

    def command(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)["value"]

    def script(self, source, *args):
        return self.command("POST", "/execute/sync", {"script": source, "args": list(args)})

    def element(self, css):
        return list(self.command("POST", "/element", {"using": "css selector", "value": css}).values())[0]

    def click(self, css):
        self.command("POST", f"/element/{self.element(css)}/click", {})

    def type(self, css, text):
        element = self.element(css)
        self.command("POST", f"/element/{element}/clear", {})
        self.command("POST", f"/element/{element}/value", {"text": text})

    def wait(self, source, what, seconds=600):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = self.script(source)
            if value:
                return value
            time.sleep(0.2)
        status = self.script("return document.getElementById('status').textContent")
        sys.exit(f"browser-test: FAILED waiting for {what}; the page says: {status}")

    def close(self):
        try:
            self.command("DELETE", "")
        finally:
            self.process.terminate()


def check(condition, what):
    if not condition:
        sys.exit(f"browser-test: FAILED: {what}")
    print(f"ok  {what}")


browser = Browser()
try:
    browser.command("POST", "/url", {"url": base + "/"})
    browser.wait("return document.getElementById('task').options.length > 0", "the task list")
    browser.type("#input", SHORTHAND)
    browser.click("#deid")
    kinds = browser.wait("const m = [...document.querySelectorAll('#source mark.phi')].map(e => e.title.split(' ')[0]);"
                         "return m.length ? m : null", "identifiers marked")
    check({"NAME", "DATE", "MRN", "PHONE"} <= set(kinds), f"identifiers highlighted by kind: {sorted(set(kinds))}")
    browser.script("document.getElementById('task').value = 'note'")
    browser.click("#run")
    # The model's text streams in (de-identified) before the checked draft replaces it.
    streamed = browser.wait("const b = [...document.querySelectorAll('#draft-view pre.streaming')].map(e => e.textContent);"
                            "return b.some(t => t.length > 20) ? b.join('\\n') : null", "the draft streaming in", 900)
    check(not any(part in streamed for part in ("Carter", "4482913", "555-201-7734")),
          f"the draft streams in without identifiers ({len(streamed)} characters seen)")
    browser.wait("return document.getElementById('status').textContent.startsWith('Draft ')", "the drafted note", 900)
    flagged = browser.script("return document.querySelectorAll('#draft-view mark.fact').length")
    listed = browser.script("return document.querySelectorAll('#findings li').length")
    # The page marks exactly the findings the server's fact check reported (the clause-by-clause drafter often
    # reports none), so a draft without findings passes with nothing marked.
    reported = browser.script("return state.lastResult.findings.length")
    check(flagged == listed == reported, f"the unsupported facts the server reported are all marked in the draft ({flagged} of {reported})")
    draft_id = browser.script("return document.getElementById('draft-id').textContent.split(' ')[0]")
    check(draft_id.startswith("d-"), f"the draft was saved as {draft_id}")
    # The clinician types in a drug and a dose the shorthand never mentions: the saved edit is checked against the
    # shorthand like the model's text, and both are marked.
    browser.script("const t = document.getElementById('draft-text'); t.value = t.value + '\\nStart warfarin 5 mg daily.'")
    browser.click("#save")
    browser.wait("return document.getElementById('status').textContent.startsWith('Edit saved as version 2:')", "the edit saved")
    marked = browser.script("return [...document.querySelectorAll('#draft-view mark.fact')].map(e => e.textContent)")
    check({"warfarin", "5 mg"} <= set(marked), f"the facts typed into the edit that the input lacks are flagged: {marked}")
    browser.type("#signer", "Dr Rivera")
    browser.click("#sign")
    browser.wait("return document.getElementById('status').textContent.startsWith('Signed')", "the signature")
    browser.click(".tab[data-view=drafts]")
    browser.script("document.getElementById('filter-status').value = 'signed'")
    browser.click("#refresh")
    row = browser.wait(f"const r = [...document.querySelectorAll('#drafts-table tbody tr')].find(r => r.cells[0].textContent === '{draft_id}');"
                       "return r ? [...r.cells].map(c => c.textContent) : null", "the signed draft in the list")
    check(row[2] == "signed" and row[6] == "Dr Rivera", f"the signed draft is found in the drafts list: {row}")
    browser.script(f"[...document.querySelectorAll('#drafts-table tbody tr')].find(r => r.cells[0].textContent === '{draft_id}').click()")
    browser.wait("return document.getElementById('status').textContent.startsWith('Version 2:')", "the signed draft reopened")
    reopened = browser.script("return [...document.querySelectorAll('#draft-view mark.fact')].map(e => e.textContent)")
    check({"warfarin", "5 mg"} <= set(reopened), f"the reopened draft still marks the facts its input lacks: {reopened}")
    print("browser-test: all checks passed")
finally:
    browser.close()
