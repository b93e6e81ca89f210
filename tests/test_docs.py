"""The docs site: built without Quarto by tools/build_docs.py, opened in headless Chromium (Debian's, driven by
Playwright): the home page, the API page of `AgeModel` and a page with plots must render. Screenshots are kept
in $AGEFAST_ARTIFACTS (default: artifacts/) as CI artifacts."""
import os, shutil, subprocess, sys
from pathlib import Path
import pytest
from conftest import ARTIFACTS # the `browser` fixture is conftest's too

ROOT = Path(__file__).resolve().parents[1]

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp('site')
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'build_docs.py'), '--out', str(out)], capture_output=True, text=True,
                       timeout=900, cwd=ROOT, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert r.returncode == 0, r.stderr[-3000:]
    return out

def test_site_pages(site):
    pages = {p.name for p in site.glob('*.html')}
    assert {'index.html', 'core.html', 'data.html', 'model.html', 'cli.html', 'similarity.html', 'fast.html'} <= pages, pages
    model = (site/'model.html').read_text()
    assert 'id="agemodel"' in model.lower() or '>AgeModel<' in model # show_doc's API entry
    assert 'https://agefast.github.io' not in model # links point at the local pages
    assert 'href="learner.html' in (site/'index.html').read_text() or 'href="learner.html' in model
    assert (site/'images'/'similarity.png').is_file()

def _open(browser, path:Path, shot:str):
    page = browser.new_page(viewport={'width': 1280, 'height': 900})
    errors = []
    page.on('pageerror', lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until='load')
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS/shot), full_page=False)
    return page, errors

def _images(page)->list:
    "(natural width, height) of every <img> that finished loading"
    return page.evaluate("[...document.images].filter(i => i.complete).map(i => [i.naturalWidth, i.naturalHeight])")

def test_home_renders(site, browser):
    page, errors = _open(browser, site/'index.html', 'docs_home.png')
    assert 'agefast' in page.title()
    assert page.locator('#agefast-sidebar a').count() >= 12 # one link per notebook
    assert page.get_by_text('agefast prepare', exact=False).count() > 0
    assert page.locator('#agefast-main').bounding_box()['width'] > 600
    assert not errors, errors
    assert (ARTIFACTS/'docs_home.png').stat().st_size > 10_000

def test_agemodel_api_page_renders(site, browser):
    page, errors = _open(browser, site/'model.html', 'docs_model.png')
    h = page.locator('h3, h2').filter(has_text='AgeModel').first
    assert h.is_visible()
    h.scroll_into_view_if_needed(); page.screenshot(path=str(ARTIFACTS/'docs_agemodel.png'))
    sig = page.locator('pre').filter(has_text='def AgeModel(')
    assert sig.count() == 1 and "arch:str='resnet34'" in sig.first.inner_text() # the signature show_doc writes
    assert page.get_by_text('show_doc(AgeModel)').count() == 0 # echo: false, as Quarto does
    assert page.get_by_text('#| export').count() == 0
    assert page.locator('#agefast-sidebar a.current').inner_text().strip() in ('model', 'Model')
    assert not errors, errors

def test_plot_page_renders(site, browser):
    page, errors = _open(browser, site/'eda.html', 'docs_eda.png')
    plots = [wh for wh in _images(page) if wh[0] > 200 and wh[1] > 100]
    assert len(plots) >= 3, _images(page) # the EDA plots, decoded and drawn
    assert not errors, errors
