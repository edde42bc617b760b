"""Shared machinery of the reference generators: seeded inputs, one evaluation per case, JSON output.

Every case records the inputs exactly as float32 (or int64) values, the peer's reduced value (or
unreduced values for reduction 'none') and the gradients of that value (of the sum for 'none') with
respect to the differentiable inputs, all computed by the peer itself.
"""
import json
import os
import platform

import numpy as np
import torch

torch.set_default_dtype(torch.float32)
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "losskit-core", "src", "test", "resources", "reference")


def peer_version(peer):
    if peer == "pytorch":
        return "torch " + torch.__version__
    if peer == "torchvision":
        import torchvision
        return "torchvision " + torchvision.__version__ + ", torch " + torch.__version__
    if peer == "scikit-learn":
        import sklearn
        return "scikit-learn " + sklearn.__version__
    if peer == "formula-in-pytorch":
        return "catalogue formula written with torch " + torch.__version__ + " operations"
    raise ValueError(peer)


def rng(seed):
    return np.random.default_rng(seed)


def f32(a):
    return np.asarray(a, dtype=np.float32)


def i64(a):
    return np.asarray(a, dtype=np.int64)


def _tensor_json(a):
    a = np.asarray(a)
    dtype = "int64" if np.issubdtype(a.dtype, np.integer) else "float32"
    data = a.astype(np.float64 if dtype == "float32" else np.int64).ravel().tolist()
    if dtype == "float32":
        data = [float(np.float32(x)) for x in data]
    return {"dtype": dtype, "shape": list(a.shape), "data": data}


class Reference:
    """Collects the cases of one catalogue id and writes them to <id>.json."""

    def __init__(self, loss_id, peer, source):
        self.loss_id = loss_id
        self.peer = peer
        self.source = source  # the peer call, for the file header
        self.cases = []

    def case(self, name, fn, inputs, grad=("pred",), params=None, reductions=("mean", "sum", "none")):
        """Evaluates fn(reduction=..., **tensors) for each reduction.

        inputs: dict name -> numpy array (float32 or int64), in catalogue order.
        grad: names of the inputs whose gradients the peer computes.
        params: the losskit parameters (catalogue names) that this case uses.
        """
        for reduction in reductions:
            tensors = {}
            for k, v in inputs.items():
                t = torch.tensor(np.asarray(v))
                if k in grad:
                    t = t.clone().requires_grad_(True)
                tensors[k] = t
            out = fn(reduction=reduction, **tensors)
            total = out.sum() if reduction == "none" else out
            grads = {}
            if grad:
                total.backward()
                for k in grad:
                    g = tensors[k].grad
                    if g is not None and not torch.all(torch.isfinite(g)):
                        raise ValueError(f"{self.loss_id}/{name}: the peer gave a non-finite gradient for {k}")
                    grads[k] = _tensor_json(np.zeros(inputs[k].shape, np.float32) if g is None else g.detach().numpy())
            case = {
                "name": name,
                "params": params or {},
                "reduction": reduction,
                "inputs": {k: _tensor_json(v) for k, v in inputs.items()},
                "grads": grads,
            }
            if reduction == "none":
                case["values"] = _tensor_json(out.detach().numpy())
            else:
                case["value"] = float(out.detach().double())
            if not np.all(np.isfinite(out.detach().numpy())):
                raise ValueError(f"{self.loss_id}/{name}: the peer gave a non-finite value")
            self.cases.append(case)

    def write(self):
        doc = {
            "id": self.loss_id,
            "peer": peer_version(self.peer),
            "source": self.source,
            "generator": "tools/reference/generate.py",
            "python": platform.python_version(),
            "cases": self.cases,
        }
        os.makedirs(OUT, exist_ok=True)
        path = os.path.join(OUT, self.loss_id + ".json")
        with open(path, "w") as f:
            json.dump(doc, f, separators=(",", ":"))
            f.write("\n")
        return path
