"""The batch's kernels: pooled managers hand nbclient the client that skips jupyter_client's fixed wait."""

from __future__ import annotations

from nianbao.batch.pool import ForkedKernelManager, PooledKernelManager, QuickClient


def test_pooled_kernels_are_driven_by_the_quick_client() -> None:
    # AsyncKernelManager builds its clients from `client_factory`; setting `client_class` alone is
    # silently ignored, and every report would wait 0.2 s for IOPub to fall quiet.
    assert isinstance(PooledKernelManager().client(), QuickClient)
    assert isinstance(ForkedKernelManager().client(), QuickClient)
