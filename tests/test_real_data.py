"Real UTKFace from ../shared/data: read, validate and split both folders (skips cleanly where absent)."
import pytest
from conftest import shared_folder
from agefast.data import *
from agefast.split import *
from agefast.synth import *

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

def test_real_group_photo_dlib(tmp_path):
    "Four real faces side by side: dlib finds all four, each crop gets a prediction, a rotated copy gives the same"
    from PIL import Image, ImageOps
    from agefast.core import open_image
    from agefast.model import AgeGenderModel
    from agefast.export import save_model, load_model
    from agefast.predict import predict_files
    df = read_utkface(shared_folder('utkface')).sample(4, random_state=1)
    faces = [ImageOps.expand(open_image(p).resize((160, 160)), 30, fill=(120, 120, 120)) for p in df.path]
    photo = Image.new('RGB', (4 * 220, 220), (120, 120, 120))
    for i, f in enumerate(faces): photo.paste(f, (i * 220, 0))
    photo.save(tmp_path/'group.jpg', quality=95)
    ex = Image.Exif(); ex[0x0112] = 8 # stored turned, displayed upright
    photo.transpose(Image.Transpose.ROTATE_270).save(tmp_path/'turned.jpg', quality=95, exif=ex.tobytes())
    m = load_model(save_model(AgeGenderModel('resnet18', pretrained=False), tmp_path/'m.safetensors', 64))
    res = predict_files(tmp_path, m, n_workers=0, progress=False)
    g, t = res[res.path.str.endswith('group.jpg')], res[res.path.str.endswith('turned.jpg')]
    assert len(g) == 4 and (g.error == '').all()
    assert sorted(g.left // 220) == [0, 1, 2, 3] # one face in each quarter
    assert (abs(g.sort_values('left').pred_age.to_numpy() - t.sort_values('left').pred_age.to_numpy()) < 1.0).all()
