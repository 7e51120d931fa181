#!/usr/bin/python3
"""MNIST-C's corruptions that scikit-image computes without randomness of its own, against
diffctl's (Debian's python3-skimage; the formulas are MNIST-C's).

  mnist_c_reference.py DIR

DIR holds clean.u8 (N x 28 x 28 uint8) and, for each corruption named below, <name>.u8:
diffctl's output rounded to uint8. Prints JSON {name: {"max_abs_difference", "differing_share"}}
over all images. rotate, shear and translate draw their signs from diffctl's stream, so each
image is compared with the reference of whichever sign (pair) matches it best.
"""
import itertools
import json
import sys
from pathlib import Path

import numpy as np
from skimage import color, feature, transform


def about_centre(**parameters):
    """skimage's AffineTransform(**parameters), translated to keep (13.5, 13.5) fixed as MNIST-C does."""
    matrix = transform.AffineTransform(**parameters).params
    (a1, a2), (b1, b2) = matrix[0, :2], matrix[1, :2]
    return transform.AffineTransform(translation=[13.5 * (1 - a1 - a2), 13.5 * (1 - b1 - b2)], **parameters)


def warped(x, inverse_map):
    return np.clip(transform.warp(x, inverse_map=inverse_map), 0, 1) * 255


def brightness(x):
    hsv = color.rgb2hsv(color.gray2rgb(x))
    hsv[:, :, 2] = np.clip(hsv[:, :, 2] + 0.5, 0, 1)
    return np.clip(color.rgb2gray(color.hsv2rgb(hsv)), 0, 1) * 255


# Each corruption's candidate references for one image in [0, 1].
CANDIDATES = {
    "canny_edges": lambda x: [feature.canny(x).astype(np.float64) * 255],
    "scale": lambda x: [warped(x, about_centre(scale=(1 / 0.7, 1 / 0.7)))],
    "brightness": lambda x: [brightness(x)],
    "rotate": lambda x: [warped(x, about_centre(rotation=s * 0.4)) for s in (-1, 1)],
    "shear": lambda x: [warped(x, about_centre(shear=s * 0.4)) for s in (-1, 1)],
    "translate": lambda x: [warped(x, transform.AffineTransform(translation=[3 * sx, 3 * sy]))
                            for sx, sy in itertools.product((-1, 1), repeat=2)],
}


def main(directory: Path) -> int:
    clean = np.fromfile(directory / "clean.u8", dtype=np.uint8).reshape(-1, 28, 28) / 255.0
    report = {}
    for name, candidates in CANDIDATES.items():
        ours = np.fromfile(directory / f"{name}.u8", dtype=np.uint8).reshape(-1, 28, 28).astype(np.float64)
        worst, differing = 0.0, 0
        for image, mine in zip(clean, ours):
            best = min((np.abs(reference - mine) for reference in candidates(image)), key=np.max)
            worst = max(worst, float(best.max()))
            differing += int((best > 0.51).sum())
        report[name] = {"max_abs_difference": worst, "differing_share": differing / ours.size}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
