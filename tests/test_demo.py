"""`agefast demo` in a real browser: the test starts the server on a free port, drives the page with Playwright and
Debian's Chromium, uploads a generated two-face photo, then a text file named .jpg, then the photo again (the app
keeps serving), and checks that the page fetched nothing from outside this machine. Screenshots go to
$AGEFAST_ARTIFACTS (default: artifacts/). The server is stopped at the end whatever happens."""
import os, socket, subprocess, sys, time, urllib.request
from pathlib import Path
import pytest
from conftest import ARTIFACTS, agefast_cmd

pytest.importorskip('gradio')

def _free_port()->int:
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

@pytest.fixture(scope='module')
def server(tmp_path_factory):
    "The URL of a running `agefast demo` (the model inside agefast), stopped after the module's tests"
    tmp, port = tmp_path_factory.mktemp('demo'), _free_port()
    env = {**os.environ, 'GRADIO_TEMP_DIR': str(tmp/'gradio'), 'OMP_NUM_THREADS': '1', 'NO_PROXY': '127.0.0.1'}
    log = open(tmp/'server.log', 'w')
    p = subprocess.Popen(agefast_cmd() + ['demo', '--port', str(port)], cwd=tmp, env=env, stdout=log,
                         stderr=subprocess.STDOUT)
    url = f'http://127.0.0.1:{port}'
    try:
        for _ in range(240): # up to 2 minutes: torch, the model and Gradio load first
            if p.poll() is not None: pytest.fail(f"agefast demo exited: {(tmp/'server.log').read_text()[-2000:]}")
            try: urllib.request.urlopen(url, timeout=2); break
            except OSError: time.sleep(.5)
        else: pytest.fail(f"agefast demo did not answer: {(tmp/'server.log').read_text()[-2000:]}")
        yield url
    finally:
        p.terminate()
        try: p.wait(20)
        except subprocess.TimeoutExpired: p.kill(); p.wait()
        log.close()

def test_demo_in_a_browser(server, browser, tmp_path):
    "Two faces found and drawn; a bad upload gets its one line; the next good photo works; nothing fetched from outside"
    from agefast.synth import synth_photo
    photo = tmp_path/'two_faces.png'; synth_photo()[0].save(photo)
    bad = tmp_path/'notes.jpg'; bad.write_text('this is not a picture\n')
    page = browser.new_page(viewport={'width': 1280, 'height': 1100})
    asked, errors = [], []
    page.on('request', lambda r: asked.append(r.url)); page.on('pageerror', lambda e: errors.append(str(e)))
    page.goto(server, wait_until='networkidle')
    message = lambda: page.locator('#message').inner_text()
    def estimate(path, expect:str):
        page.locator('#photo input[type=file]').set_input_files(str(path))
        page.wait_for_load_state('networkidle') # uploaded before it is asked about
        page.locator('#detector').get_by_text('haar', exact=True).click() # the generated faces are cartoons
        page.click('#run')
        page.wait_for_function(f"document.querySelector('#message').innerText.includes({expect!r})", timeout=60_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    estimate(photo, 'found in two_faces.png')
    assert message().strip() == '2 face(s) found in two_faces.png.'
    # the table and the picture may be drawn a moment after the message: waited for, then checked
    rows = "document.querySelector('#faces [role=grid]')?.getAttribute('aria-rowcount')"
    page.wait_for_function(f"{rows} === '3'", timeout=10_000) # two faces and the header
    page.wait_for_function("document.querySelector('#annotated img')?.naturalWidth > 100", timeout=10_000)
    assert page.locator('#faces').get_by_text('2', exact=True).count() >= 1 # face 2's row
    page.screenshot(path=str(ARTIFACTS/'demo_two_faces.png'), full_page=True)
    estimate(bad, 'notes.jpg')
    assert message().strip() == 'notes.jpg: not an image'
    page.screenshot(path=str(ARTIFACTS/'demo_bad_upload.png'), full_page=True)
    estimate(photo, 'found in two_faces.png') # still serving
    assert not errors, errors
    outside = [u for u in asked if u.startswith('http') and not u.startswith(server)]
    assert not outside, outside # no analytics, fonts or scripts from the internet
