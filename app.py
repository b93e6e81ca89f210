"""agefast's web demo as a Hugging Face Space runs it (`python app.py` here): the model inside agefast, served where
Gradio's environment says (GRADIO_SERVER_NAME, GRADIO_SERVER_PORT; else 127.0.0.1:7860). `agefast demo` is the same
page with options (--model, --index, --host, --port, --share)."""
from agefast.demo import demo_app, serve

demo = demo_app()

if __name__ == '__main__': serve(demo, host=None)
