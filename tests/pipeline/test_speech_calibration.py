"""pipeline.speech_calibration: refitting the speech-length estimate on real espeak-ng speech."""

from __future__ import annotations

import pytest

from pipeline.speech import estimate as speech_estimate
from pipeline.speech.samples import CALIBRATION_PASSAGES
from pipeline.speech_calibration import fit


def test_constants_are_what_the_calibration_fits() -> None:
    fitted = fit(CALIBRATION_PASSAGES)
    for language, value in fitted.seconds_per_unit.items():
        assert speech_estimate.SECONDS_PER_UNIT[language] == pytest.approx(value, rel=0.03)
    stored = (speech_estimate.SECONDS_PER_PAUSE, speech_estimate.SECONDS_PER_WORD)
    assert stored == pytest.approx((fitted.seconds_per_pause, fitted.seconds_per_word), rel=0.05)
