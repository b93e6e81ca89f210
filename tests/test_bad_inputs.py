"Every reader and validate_images against broken files and malformed labels: a clear error or a skip reason naming the file, and no file touched."
import numpy as np, pandas as pd, pytest, scipy.io
from pathlib import Path
from conftest import snapshot
from agefast.core import *
from agefast.data import *
from agefast.split import *
from agefast.synth import *

@pytest.fixture
def corpus(tmp_path):
    return write_image_corpus(tmp_path/'corpus')

def test_open_image_corpus(corpus):
    before = snapshot(next(iter(corpus.values()))[0].parent)
    ref = np.asarray(open_image(corpus['upright'][0]), dtype=float)
    for name, (p, expected) in corpus.items():
        if expected in ('ok', 'too small'):
            im = open_image(p)
            assert im.mode == 'RGB', name
            if expected == 'ok': assert im.size == (48, 64), name
        else:
            with pytest.raises(BadImageError) as e: open_image(p)
            assert e.value.reason == expected and str(p) in str(e.value), name
    # EXIF-rotated decodes to the upright picture
    assert np.abs(np.asarray(open_image(corpus['exif_rotated'][0]), dtype=float) - ref).mean() < 3
    assert snapshot(next(iter(corpus.values()))[0].parent) == before

def test_validate_images_reasons_and_no_writes(corpus, tmp_path):
    df = tidy_faces(pd.DataFrame(dict(path=[p for p, _ in corpus.values()] + [tmp_path/'gone.jpg'], age=30.)), 'utkface')
    before = snapshot(tmp_path)
    good, bad = validate_images(df, progress=False)
    got = dict(zip(bad.path.map(lambda p: Path(p).stem), bad.reason))
    want = {k: e for k, (_, e) in corpus.items() if e != 'ok'} | {'gone': 'missing'}
    assert got == want
    assert sorted(Path(p).stem for p in good.path) == sorted(k for k, (_, e) in corpus.items() if e == 'ok')
    assert snapshot(tmp_path) == before

def test_utkface_bad_names(tmp_path):
    d = tmp_path/'utk'; d.mkdir()
    good = quadrant_picture()
    for name in ['30_0_1_20170116174525125.jpg.chip.jpg', '39_1_20170116174525125.jpg.chip.jpg', 'x_0_1_20170116174525125.jpg.chip.jpg',
                 '30_2_1_20170116174525125.jpg.chip.jpg', '30_0_9_20170116174525125.jpg.chip.jpg', 'holiday.jpg', '30_0_1_2_3.jpg']:
        good.save(d/name)
    before = snapshot(d)
    df = read_utkface(d)
    assert len(df) == 1 and df.age[0] == 30
    reasons = dict(zip(df.attrs['skipped'].path.map(lambda p: Path(p).name), df.attrs['skipped'].reason))
    assert reasons['39_1_20170116174525125.jpg.chip.jpg'] == 'bad name: 3 fields, race missing'
    assert reasons['x_0_1_20170116174525125.jpg.chip.jpg'] == "bad age 'x'"
    assert reasons['30_2_1_20170116174525125.jpg.chip.jpg'] == 'gender 2 outside 0-1'
    assert reasons['30_0_9_20170116174525125.jpg.chip.jpg'] == 'race 9 outside 0-4'
    assert reasons['holiday.jpg'].startswith('bad name: 1 fields')
    assert reasons['30_0_1_2_3.jpg'] == 'bad name: 5 fields, expected 4'
    assert snapshot(d) == before

@pytest.mark.parametrize('reader', [read_utkface, read_imdb_wiki, read_appa_real, read_faces])
def test_missing_and_empty_folders(reader, tmp_path):
    with pytest.raises(FileNotFoundError, match='no such folder'): reader(tmp_path/'nope')
    (tmp_path/'empty').mkdir()
    with pytest.raises((FileNotFoundError, ValueError), match=str(tmp_path/'empty')): reader(tmp_path/'empty')
    (tmp_path/'file.txt').write_text('x')
    with pytest.raises(NotADirectoryError, match='not a folder'): reader(tmp_path/'file.txt')

def _wiki(dest, **fields):
    "A wiki.mat with 3 records whose fields can be replaced"
    (dest/'01').mkdir(parents=True)
    for i in range(3): quadrant_picture().save(dest/'01'/f"{i}.jpg")
    rec = dict(dob=np.array([[date_to_matlab('1980-03-01')] * 3]), photo_taken=np.array([[2010, 2011, 2012]]),
               full_path=np.array([f"01/{i}.jpg" for i in range(3)], dtype=object)[None], gender=np.array([[1., 0, np.nan]]),
               name=np.array(['A', 'B', 'C'], dtype=object)[None], face_score=np.array([[4., 4, 4]]),
               second_face_score=np.array([[np.nan] * 3]))
    rec.update(fields)
    scipy.io.savemat(dest/'wiki.mat', {'wiki': rec})
    return dest

def test_imdb_wiki_labels_and_nonsense(tmp_path):
    df = read_imdb_wiki(_wiki(tmp_path/'ok'))
    assert df.age.tolist() == [30., 31., 32.] and df.gender.fillna(-1).tolist() == [0., 1., -1.]
    nonsense = _wiki(tmp_path/'bad', dob=np.array([[0., 1e12, np.nan]]))
    before = snapshot(nonsense)
    df = read_imdb_wiki(nonsense)
    assert len(df) == 0 and df.attrs['skipped'].reason.tolist() == ['bad date of birth'] * 3
    short = _wiki(tmp_path/'short', name=np.array(['A', 'B'], dtype=object)[None])
    with pytest.raises(ValueError, match='different lengths'): read_imdb_wiki(short)
    assert snapshot(nonsense) == before

def test_imdb_wiki_not_a_mat(tmp_path):
    (tmp_path/'imdb.mat').write_bytes(b'')
    with pytest.raises(ValueError, match='imdb.mat: not a readable MATLAB file'): read_imdb_wiki(tmp_path)
    scipy.io.savemat(tmp_path/'imdb.mat', {'imdb': np.ones(3)})
    with pytest.raises(ValueError, match='is not a struct'): read_imdb_wiki(tmp_path)

def test_appa_real_bad_csvs(tmp_path):
    (tmp_path/'train').mkdir()
    quadrant_picture().save(tmp_path/'train'/'000001.jpg')
    rows = pd.DataFrame(dict(file_name=['000001.jpg', '000002.jpg', np.nan, '000001.jpg'], num_ratings=30, apparent_age_avg=[20, 21, 22, np.nan],
                             apparent_age_std=3., real_age=[20, 21, 22, 'abc']))
    rows.to_csv(tmp_path/'gt_avg_train.csv', index=False)
    df = read_appa_real(tmp_path)
    assert len(df) == 1 and df.age[0] == 20
    assert sorted(df.attrs['skipped'].reason) == ['bad real_age', 'missing image file', 'no file_name']
    rows.drop(columns='real_age').to_csv(tmp_path/'gt_avg_train.csv', index=False)
    with pytest.raises(ValueError, match=r"gt_avg_train.csv: missing column\(s\) \['real_age'\]"): read_appa_real(tmp_path)
    (tmp_path/'gt_avg_train.csv').write_text('')
    with pytest.raises(ValueError, match='gt_avg_train.csv: not a readable CSV'): read_appa_real(tmp_path)

def test_synth_faces_never_overwrites(tmp_path):
    (tmp_path/'mine.txt').write_text('my notes')
    with pytest.raises(FileExistsError, match='not empty'): synth_faces(tmp_path)
    assert (tmp_path/'mine.txt').read_text() == 'my notes'

def test_predict_faces_on_corpus(corpus, tmp_path):
    "Every awkward file gives a prediction (whole image: the corpus has no faces) or a BadImageError naming it"
    from agefast.model import AgeGenderModel
    from agefast.export import save_model, load_model
    from agefast.predict import predict_faces
    m = load_model(save_model(AgeGenderModel('resnet18', pretrained=False), tmp_path/'m.safetensors', 32))
    ages = {}
    for name, (p, expected) in corpus.items():
        if expected in ('ok', 'too small'):
            r = predict_faces(p, m, whole_image=True)
            assert len(r) == 1 and {'pred_age', 'pred_gender', 'p_female', 'box', 'crop'} <= set(r[0]), name
            ages[name] = r[0]['pred_age']
        else:
            with pytest.raises(BadImageError) as e: predict_faces(p, m)
            assert e.value.reason == expected and str(p) in str(e.value), name
    assert abs(ages['exif_rotated'] - ages['upright']) < 1e-3 * max(1, abs(ages['upright'])) + 0.5 # same picture, JPEG noise only

def test_predict_files_on_corpus(corpus, tmp_path):
    "A folder of awkward files through predict_files (2 processes): a row for each, the reason for each bad one, no file touched"
    from agefast.model import AgeModel
    from agefast.export import save_model, load_model
    from agefast.predict import predict_files
    folder = next(iter(corpus.values()))[0].parent
    before = snapshot(folder)
    m = load_model(save_model(AgeModel('resnet18', pretrained=False), tmp_path/'m.safetensors', 32))
    res = predict_files(folder, m, detect=False, n_workers=2, progress=False, out=tmp_path/'out.csv')
    got = dict(zip(res.path.map(lambda p: Path(p).name), res.error))
    # text.jpg etc. are listed by extension; 'tiny' is a valid picture, predicted like any other
    assert got == {Path(p).name: ('' if e in ('ok', 'too small') else e) for p, e in corpus.values()}
    assert res[res.error == ''].pred_age.notna().all() and 'pred_gender' not in res # an age model: no gender columns
    assert pd.read_csv(tmp_path/'out.csv').shape == res.shape
    # with face search, nothing in the corpus is a face: every readable file is 'no face found'
    res = predict_files(folder, m, detector='haar', n_workers=0, progress=False)
    assert set(res.error) == {'no face found'} | {e for _, e in corpus.values() if e not in ('ok', 'too small')}
    assert snapshot(folder) == before

def test_predict_several_faces_and_none(tmp_path):
    "A photo with three faces gives three rows with boxes on the drawn faces; a blank photo gives one 'no face found' row"
    from PIL import Image
    from agefast.model import GenderModel
    from agefast.export import save_model, load_model
    from agefast.predict import predict_files, predict_faces
    from agefast.synth import synth_photo, _inside
    photo, drawn = synth_photo(ages=(8, 30, 45), genders=(0, 1, 0), races=(0, 1, 2), seed=1)
    photo.save(tmp_path/'three.png'); Image.new('RGB', (300, 200), (30, 90, 60)).save(tmp_path/'blank.png')
    m = load_model(save_model(GenderModel('resnet18', pretrained=False), tmp_path/'g.safetensors', 32))
    res = predict_files([tmp_path/'three.png', tmp_path/'blank.png'], m, detector='haar', n_workers=0, progress=False)
    three = res[res.path.str.endswith('three.png')]
    assert len(three) == 3 and (three.error == '').all() and three.p_female.between(0, 1).all()
    boxes = [tuple(int(v) for v in b) for b in three[['left', 'top', 'right', 'bottom']].to_numpy()]
    assert all(any(_inside(b, d) for b in boxes) for d in drawn)
    assert res[res.path.str.endswith('blank.png')].error.tolist() == ['no face found']
    assert {'pred_gender', 'p_female'} <= set(res) and 'pred_age' not in res
    with pytest.warns(UserWarning, match='no face found'): assert predict_faces(tmp_path/'blank.png', m, detector='haar') == []
