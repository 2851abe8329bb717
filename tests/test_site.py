"""The offline course site (tools/build_site.py): every page is built, every internal link resolves, nothing is
loaded from the internet, and a real headless browser (Debian's `chromium`) shows the Korean text. The browser part
is skipped only when no chromium binary is found (`.ci/run` installs `chromium` and `fonts-nanum` when it can)."""
import re, shutil, subprocess, sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tools'))
import build_site

CHAPTERS = sorted((ROOT/'nbs').glob('[0-9][0-9]_*.ipynb'))

class Links(HTMLParser):
    "Collect href/src attributes, ids, script/link tags and the <html lang>."
    def __init__(self):
        super().__init__(); self.refs, self.ids, self.loads, self.lang = [], set(), [], None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'html': self.lang = a.get('lang')
        if 'id' in a: self.ids.add(a['id'])
        if tag == 'a' and a.get('href'): self.refs.append(a['href'])
        if tag in ('script', 'img', 'iframe', 'source', 'video', 'audio') and a.get('src'): self.loads.append((tag, a['src']))
        if tag == 'script': self.loads.append(('script', a.get('src', 'inline')))
        if tag == 'link' and a.get('href'): self.loads.append(('link', a['href']))

def parse(page:Path)->Links:
    p = Links(); p.feed(page.read_text(encoding='utf-8')); return p

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp('site')
    build_site.build(ROOT/'nbs', out)
    return out

def test_every_page_exists(site):
    assert CHAPTERS
    for name in ['index'] + [p.stem for p in CHAPTERS]:
        page = site/f'{name}.html'
        assert page.exists(), page
        text = page.read_text(encoding='utf-8')
        assert '<meta charset="utf-8">' in text and parse(page).lang == 'ko'
    css = (site/'style.css').read_text(encoding='utf-8')
    assert 'NanumGothic' in css and 'Noto Sans KR' in css

def test_internal_links_resolve(site):
    pages = {p.name: parse(p) for p in site.glob('*.html')}
    for name, p in pages.items():
        for ref in p.refs:
            if re.match(r'(https?:|mailto:)', ref): continue
            assert '.ipynb' not in ref, f'{name}: link to a notebook {ref!r} (expected .html)'
            file, _, anchor = ref.partition('#')
            target = file or name
            assert (site/target).exists(), f'{name}: broken link {ref!r}'
            if anchor and target in pages:
                assert anchor in pages[target].ids or unquote(anchor) in pages[target].ids, f'{name}: no anchor {ref!r}'
    idx = pages['index.html']
    for nb in CHAPTERS: assert f'{nb.stem}.html' in idx.refs, f'index does not link {nb.stem}'
    middle = pages[f'{CHAPTERS[1].stem}.html'].refs
    assert {'index.html', f'{CHAPTERS[0].stem}.html', f'{CHAPTERS[2].stem}.html'} <= set(middle), 'previous/index/next links'

def test_nothing_loaded_from_the_internet(site):
    for page in site.glob('*.html'):
        p = parse(page)
        remote = [(t, s) for t, s in p.loads if s == 'inline' or re.match(r'(https?:)?//', s)]
        assert not remote, f'{page.name}: scripts or remote resources {remote}'
        text = page.read_text(encoding='utf-8')
        assert 'MathJax' not in text and 'require.js' not in text, page.name
    assert 'http' not in (site/'style.css').read_text(encoding='utf-8')

def test_plumbing_hidden_lesson_code_kept(site):
    core = (site/'00_core.html').read_text(encoding='utf-8')
    assert '#|' not in core and 'google.colab' not in core and 'default_exp' not in core
    assert 'set_seed' in core and 'BadInputError' in core          # exported code is the lesson

CHROMIUM = next((b for b in ('chromium', 'chromium-browser', 'google-chrome') if shutil.which(b)), None)

def chromium(*args, timeout=60):
    return subprocess.run([CHROMIUM, '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', *args],
                          capture_output=True, text=True, timeout=timeout)

@pytest.mark.skipif(CHROMIUM is None, reason='no chromium binary (apt-get install chromium)')
@pytest.mark.parametrize('name', ['index', '00_core', '03_tokenizer'])
def test_browser_renders_korean(site, name):
    title = build_site.title_of(__import__('nbformat').read(ROOT/'nbs'/f'{name}.ipynb', as_version=4), name)[0]
    r = chromium('--dump-dom', (site/f'{name}.html').as_uri())
    assert r.returncode == 0, r.stderr[-2000:]
    assert f'<title>{title} · bertcourse</title>' in r.stdout and 'lang="ko"' in r.stdout
    assert re.search('[가-힣]{2,}', r.stdout), 'no Hangul in the DOM'

@pytest.mark.skipif(CHROMIUM is None, reason='no chromium binary (apt-get install chromium)')
def test_browser_screenshot(site, tmp_path):
    png = tmp_path/'00_core.png'
    r = chromium(f'--screenshot={png}', '--window-size=1200,2000', '--hide-scrollbars', (site/'00_core.html').as_uri())
    assert png.exists() and png.stat().st_size > 20_000, r.stderr[-2000:]
    assert png.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
