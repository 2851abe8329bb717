#!/usr/bin/env python
"""Build the offline course site: one HTML page per chapter notebook plus an index, nothing loaded from the internet.

    python tools/build_site.py                 # nbs/ -> _site/
    python tools/build_site.py --out /tmp/site --nbs nbs
    python -m http.server -d _site 8000        # then open http://localhost:8000 (or open _site/index.html directly)

Pages are rendered by nbconvert's `basic` template (no require.js, no MathJax, no CDN), wrapped in a page with
`<html lang="ko">`, UTF-8, a local `style.css` whose font stack renders Hangul, and previous / index / next links.
Figures stay embedded as data: URIs. nbdev plumbing is hidden: `#| hide` cells, `default_exp` cells, the Colab
install cell and the `#|` directive lines; exported code stays visible (it is the lesson). Remote badge images
become plain links, and links to `NN_name.ipynb` point to `NN_name.html`. Run it after
`tools/execute_notebooks.py` so the pages show outputs; it also works on unexecuted notebooks.
"""
import argparse, html, re, shutil, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbrules import ROOT, directives, source, strip_directives

FONT_STACK = '"Noto Sans KR", "Noto Sans CJK KR", "NanumGothic", "Nanum Gothic", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif'
MONO_STACK = '"D2Coding", "NanumGothicCoding", "Noto Sans Mono CJK KR", "DejaVu Sans Mono", monospace'
CSS = """
:root { --fg: #1f2328; --muted: #59636e; --bg-code: #f6f8fa; --border: #d1d9e0; --accent: #2b6cb0; }
* { box-sizing: border-box; }
body { margin: 0; font-family: FONT; color: var(--fg); line-height: 1.7; word-break: keep-all; overflow-wrap: anywhere; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
nav.pager { max-width: 60rem; margin: 0 auto; padding: .6rem 1.5rem; display: flex; justify-content: space-between; gap: 1rem;
            border-bottom: 1px solid var(--border); font-size: .95rem; }
nav.pager.bottom { border-top: 1px solid var(--border); border-bottom: 0; }
nav.pager a { color: var(--accent); text-decoration: none; } nav.pager a:hover { text-decoration: underline; }
nav.pager .off { color: var(--muted); }
h1, h2, h3 { line-height: 1.35; } h1 { font-size: 2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid var(--border); padding-bottom: .2rem; }
a.anchor-link { visibility: hidden; margin-left: .3rem; text-decoration: none; color: var(--muted); }
h1:hover a.anchor-link, h2:hover a.anchor-link, h3:hover a.anchor-link { visibility: visible; }
blockquote { margin: 0 0 1rem; padding: .2rem 1rem; border-left: 4px solid var(--border); color: var(--muted); }
code, pre { font-family: MONO; font-size: .88rem; }
pre { overflow-x: auto; max-width: 100%; }
.rendered_html pre { background: var(--bg-code); padding: .7rem .9rem; border-radius: 6px; }
:not(pre) > code { background: var(--bg-code); padding: .1rem .3rem; border-radius: 4px; }
.input_area, .highlight { background: var(--bg-code); border-radius: 6px; }
.input_area pre, .output_area pre { margin: 0; padding: .7rem .9rem; overflow-x: auto; line-height: 1.45; }
.code_cell { margin: .9rem 0; }
.output_area pre { background: #fff; border-left: 3px solid var(--border); }
.output_stderr pre { background: #fff8f0; }
.output_area img { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .92rem; display: block; overflow-x: auto; }
th, td { border: 1px solid var(--border); padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: var(--bg-code); }
ol.chapters li { margin: .35rem 0; } ol.chapters .desc { color: var(--muted); font-size: .92rem; }
.note { color: var(--muted); font-size: .85rem; margin: .2rem 0 -.6rem; }
""".replace('FONT', FONT_STACK).replace('MONO', MONO_STACK)

PAGE = """<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · bertcourse</title>
<link rel="stylesheet" href="style.css">
</head>
<body>
{nav_top}
<main>
{body}
</main>
{nav_bottom}
</body>
</html>
"""
BADGE = re.compile(r'\[!\[([^\]]*)\]\((https?://[^)]+)\)\]\((https?://[^)]+)\)')   # [![alt](remote img)](link)
REMOTE_IMG = re.compile(r'!\[([^\]]*)\]\((https?://[^)]+)\)')
NB_LINK = re.compile(r'href="(?:\.\./)?(?:nbs/)?(\d\d_[\w-]+|index)\.ipynb(#[^"]*)?"')

def title_of(nb, default:str)->tuple:
    "(title, description) from the notebook's first `# title` and `> description` lines."
    for c in nb.cells:
        if c.cell_type != 'markdown': continue
        t = re.search(r'^#\s+(.+)$', source(c), re.M)
        if t:
            d = re.search(r'^>\s*(.+)$', source(c), re.M)
            return t.group(1).strip(), (d.group(1).strip() if d else '')
    return default, ''

def lesson_cells(nb):
    "The notebook as a reader sees it: nbdev plumbing removed, directive lines stripped, remote images as links."
    import nbformat
    keep = []
    for c in nb.cells:
        src = source(c)
        if c.cell_type == 'markdown':
            src = BADGE.sub(lambda m: f'[{m.group(1) or "link"}]({m.group(3)})', src)
            c.source = REMOTE_IMG.sub(lambda m: f'[{m.group(1) or "image"}]({m.group(2)})', src)
            keep.append(c); continue
        if c.cell_type != 'code': continue
        d = directives(c)
        if 'hide' in d or d.get('include') == 'false' or 'google.colab' in src: continue
        c.source = strip_directives(src)
        if not c.source.strip(): continue                       # e.g. a cell holding only `#| default_exp`
        if d.get('echo') == 'false': c.metadata.setdefault('tags', []).append('remove_input')
        if d.get('output') == 'false': c.outputs = []
        if d.get('eval') == 'false' or 'gpu' in d:
            note = 'GPU/인터넷이 필요해 이 사이트에서는 실행하지 않은 셀' if d.get('eval') == 'false' else 'GPU 셀 (실행하지 않음)'
            keep.append(nbformat.v4.new_markdown_cell(f'<p class="note">{note}</p>'))
        keep.append(c)
    nb.cells = keep
    return nb

def render(nb)->str:
    "HTML of the notebook's cells (nbconvert basic template, no prompts, no scripts)."
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    ex = HTMLExporter(template_name='basic', exclude_input_prompt=True, exclude_output_prompt=True)
    ex.register_preprocessor(TagRemovePreprocessor(remove_input_tags={'remove_input'}, enabled=True), enabled=True)
    body, _ = ex.from_notebook_node(nb)
    return body

def nav(pages, i, cls)->str:
    "previous / index / next links of page i."
    link = lambda j, arrow: (f'<a href="{pages[j][0]}.html">{arrow}</a>' if 0 <= j < len(pages) else f'<span class="off">{arrow}</span>')
    prev = link(i - 1, f'← {html.escape(pages[i-1][1])}' if i > 0 else '←')
    nxt = link(i + 1, f'{html.escape(pages[i+1][1])} →' if i + 1 < len(pages) else '→')
    return f'<nav class="pager {cls}">{prev}<a href="index.html">목차</a>{nxt}</nav>'

def build(nbs:Path=ROOT/'nbs', out:Path=ROOT/'_site')->list:
    "Write the site into `out`; returns the page file names."
    import nbformat
    from pygments.formatters import HtmlFormatter
    nbs, out = Path(nbs), Path(out)
    chapters = sorted(nbs.glob('[0-9][0-9]_*.ipynb'))
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob('*.html'): old.unlink()
    (out/'style.css').write_text(CSS + HtmlFormatter(style='friendly').get_style_defs('.highlight'), encoding='utf-8')
    nbs_read = {p.stem: nbformat.read(p, as_version=4) for p in chapters}
    pages = [(stem, title_of(nb, stem)[0]) for stem, nb in nbs_read.items()]
    stems = {s for s, _ in pages}
    fix_links = lambda body: NB_LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', body)
    for i, (stem, title) in enumerate(pages):
        body = fix_links(render(lesson_cells(nbs_read[stem])))
        (out/f'{stem}.html').write_text(PAGE.format(title=html.escape(title), body=body, nav_top=nav(pages, i, 'top'),
                                                    nav_bottom=nav(pages, i, 'bottom')), encoding='utf-8')
    index = nbformat.read(nbs/'index.ipynb', as_version=4) if (nbs/'index.ipynb').exists() else nbformat.v4.new_notebook()
    body = fix_links(render(lesson_cells(index)))
    body = re.sub(r'<code>(\d\d_[\w-]+)</code>', lambda m: f'<a href="{m.group(1)}.html"><code>{m.group(1)}</code></a>'
                  if m.group(1) in stems else m.group(0), body)     # the chapter table names notebooks
    toc = '\n'.join(f'<li><a href="{s}.html">{html.escape(t)}</a><br><span class="desc">{html.escape(title_of(nbs_read[s], s)[1])}</span></li>'
                    for s, t in pages)
    body = f'{body}\n<h2 id="chapters">장 목록</h2>\n<ol class="chapters" start="0">\n{toc}\n</ol>'
    first = f'<nav class="pager top"><span class="off">bertcourse</span><a href="{pages[0][0]}.html">{html.escape(pages[0][1])} →</a></nav>' if pages else ''
    (out/'index.html').write_text(PAGE.format(title=html.escape(title_of(index, 'bertcourse')[0]), body=body, nav_top=first,
                                              nav_bottom=''), encoding='utf-8')
    return ['index.html'] + [f'{s}.html' for s, _ in pages]

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--nbs', default=str(ROOT/'nbs'), help='notebook folder (default: the repo nbs/)')
    ap.add_argument('--out', default=str(ROOT/'_site'), help='output folder (default: _site/)')
    a = ap.parse_args(argv)
    t0 = time.time()
    pages = build(Path(a.nbs), Path(a.out))
    print(f'{len(pages)} pages in {Path(a.out).resolve()} ({time.time() - t0:.1f}s); open {Path(a.out).resolve()/"index.html"}')

if __name__ == '__main__': main()
