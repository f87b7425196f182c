"""LitServe serving the benchmark's digits CNN (Module 05; needs the ``bench`` extra).

LitServe starts its inference worker in a new process, so the API class lives at module level
(it is pickled) and loads the model in ``setup``.
"""

from __future__ import annotations

import litserve as ls
import numpy as np

from deploydl.efficiency.bench_servers import MAX_WAIT_MS, load_cnn
from deploydl.serving.digits import DigitImages, DigitsResponse, score_images


class DigitsAPI(ls.LitAPI):
    """Same schema, model and threads as the other servers; batches up to ``max_batch``
    requests."""

    def __init__(self, weights: str, *, threads: int, model: str, max_batch: int) -> None:
        super().__init__(max_batch_size=max_batch, batch_timeout=MAX_WAIT_MS / 1000)
        self.weights = weights
        self.threads = threads
        self.model = model

    def setup(self, device) -> None:
        self.net = load_cnn(self.weights, threads=self.threads, model=self.model)

    def decode_request(self, request):
        images = DigitImages.model_validate(request).images
        return np.asarray(images, dtype=np.float32)[:, None, :, :]

    def batch(self, inputs):
        return np.concatenate(inputs), [len(i) for i in inputs]

    def predict(self, batch):
        images, sizes = batch if isinstance(batch, tuple) else (batch, [len(batch)])
        return score_images(self.net, images), sizes

    def unbatch(self, output):
        (digits, confidence), sizes = output
        bounds = np.cumsum(sizes)[:-1]
        return list(zip(np.split(digits, bounds), np.split(confidence, bounds), strict=True))

    def encode_response(self, output):
        if isinstance(output[1], list):  # a lone request skips unbatch: (scores, sizes)
            output = output[0]
        digits, confidence = output
        return DigitsResponse(model_name="litserve", model_version="1", digits=digits.tolist(),
                              confidence=np.round(confidence.astype(float), 6).tolist()
                              ).model_dump()


def litserve_server(weights: str, *, threads: int, model: str = "wide",
                    max_batch: int = 32) -> ls.LitServer:
    """A LitServer for the CNN at ``weights`` (bind it to 127.0.0.1 in ``run``)."""
    return ls.LitServer(DigitsAPI(weights, threads=threads, model=model, max_batch=max_batch),
                        accelerator="cpu",
                        workers_per_device=1, timeout=30)
