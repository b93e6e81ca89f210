"""predict_files over a folder of awkward files in worker processes (2): a row and a reason for each, no file touched.
The unit behaviour of the readers, validation and prediction on bad input is tested in the notebooks (03_data,
04_split, 15_predict); this file keeps what needs several processes."""
import pandas as pd, pytest
from pathlib import Path
from conftest import snapshot
from agefast.core import write_image_corpus

@pytest.fixture
def corpus(tmp_path):
    return write_image_corpus(tmp_path/'corpus')

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
