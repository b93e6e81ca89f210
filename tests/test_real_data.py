"Real UTKFace from ../shared/data: read, validate and split both folders (skips cleanly where absent)."
import pytest
from conftest import shared_folder
from agefast.data import *

@pytest.mark.parametrize('name,n_files,n_bad_names', [('utkface_64', 22227, 3), ('utkface', 9175, 2)])
def test_real_utkface(name, n_files, n_bad_names):
    folder = shared_folder(name)
    df = read_utkface(folder)
    assert len(df) + len(df.attrs['skipped']) == n_files
    assert len(df.attrs['skipped']) == n_bad_names
    assert df.attrs['skipped'].reason.str.startswith('bad name').all()
    good, bad = validate_images(df, progress=False)
    assert len(bad) == 0 and good.duplicate.sum() > 0 # UTKFace has exact copies
    s = split_faces(good)
    assert len(split_leaks(s)) == 0
    assert s[s.duplicate].groupby('md5').split.nunique().max() == 1
    for part, pct in (('valid', .1), ('test', .1)): assert abs((s.split == part).mean() - pct) < .01
    summ = split_summary(s)
    shares = summ['test'].drop('all') / summ['all'].drop('all')
    assert shares.between(.07, .13).all(), shares # stratified: every age band gets its share
