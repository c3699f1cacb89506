"""A Jupyter kernel manager that lets rapaio-jupyter-kernel 3.0.1 finish starting before the client talks to it.

rapaio 3.0.1 binds its ZeroMQ sockets and starts their loop threads before it registers its message
handlers; a kernel_info_request that the client queued before the bind can arrive in that window
and leave the kernel silent for good ("Kernel didn't respond in N seconds"). jupyter_client sends
kernel_info_request as soon as the process is launched, so this manager waits in
post_start_kernel until all five kernel ports are listening (Linux /proc/net/tcp), plus a short
grace period, before the client is created. scripts/run-notebook.sh still retries startup failures.

Used by scripts/run-notebook.sh via
--ExecutePreprocessor.kernel_manager_class=ead4j_kernel_manager.Ead4jKernelManager
"""
import asyncio
import time

from jupyter_client.manager import AsyncKernelManager, KernelManager
from traitlets import Float


def _listening_ports():
    """TCP ports in LISTEN state on this host, or None where /proc/net/tcp is not readable."""
    ports = set()
    found = False
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as fh:
                found = True
                next(fh, None)
                for line in fh:
                    parts = line.split()
                    if len(parts) > 3 and parts[3] == "0A":
                        ports.add(int(parts[1].rsplit(":", 1)[1], 16))
        except OSError:
            pass
    return ports if found else None


class Ead4jKernelManager(AsyncKernelManager):
    """AsyncKernelManager that returns from start_kernel only once the kernel's ports are bound."""

    bind_timeout = Float(60.0, config=True, help="Seconds to wait for the kernel to bind its ports.")
    bind_grace = Float(0.5, config=True, help="Seconds to wait after the bind for handler registration.")

    async def _wait_until_bound(self):
        wanted = {self.shell_port, self.iopub_port, self.stdin_port, self.control_port, self.hb_port}
        deadline = time.monotonic() + self.bind_timeout
        while time.monotonic() < deadline:
            listening = _listening_ports()
            if listening is None:  # not Linux: fall back to a fixed pause
                await asyncio.sleep(3.0)
                return
            if wanted <= listening:
                await asyncio.sleep(self.bind_grace)
                return
            if not await self.is_alive():
                return  # the client reports "Kernel died before replying"
            await asyncio.sleep(0.1)

    async def post_start_kernel(self, **kw):
        await KernelManager._async_post_start_kernel(self, **kw)
        if self.transport == "tcp":
            await self._wait_until_bound()
