"""Hangul in matplotlib figures, from the NanumGothic font that the PyPI package `koreanize-matplotlib` ships.

The package is located but never imported: importing it changes rcParams as a side effect and does
`from distutils.version import LooseVersion`, which fails on Python >= 3.12 (distutils was removed).
To move into `bertcourse.core` later (the team lead's call).
"""
import importlib.util
from pathlib import Path

def use_korean_font(weight:str='')->str|None:
    "Register koreanize-matplotlib's NanumGothic with matplotlib and make it the default font; returns its name, or None (defaults kept) when the package is absent."
    import matplotlib
    from matplotlib import font_manager
    spec = importlib.util.find_spec('koreanize_matplotlib')     # finds the package without running its __init__
    if spec is None or not spec.submodule_search_locations: return None
    ttf = Path(list(spec.submodule_search_locations)[0])/'fonts'/f'NanumGothic{weight}.ttf'
    if not ttf.exists(): return None
    font_manager.fontManager.addfont(str(ttf))
    name = font_manager.FontProperties(fname=str(ttf)).get_name()   # 'NanumGothic'
    matplotlib.rcParams['font.family'] = name
    matplotlib.rcParams['axes.unicode_minus'] = False            # NanumGothic has no U+2212 minus sign
    return name
