using System.Diagnostics;
using System.Net;

namespace Sensor.Tests.LiveNet;

/// <summary>
/// socat listening on a veth address and relaying each connection to a loopback server: how a client in
/// a test namespace reaches the loopback postfix/dovecot (directly, or through the strip proxy, which
/// binds only loopback). The servers see a loopback client, as in every other test.
/// </summary>
internal sealed class SocatForwarder : IDisposable
{
    private readonly Process _process;

    public SocatForwarder(IPAddress address, int port, string upstream)
    {
        _process = Process.Start(ExternalTool.StartInfo("socat",
            ["-d", "-d", $"TCP-LISTEN:{port},bind={address},reuseaddr,fork", $"TCP:{upstream}"]))!;
        var listening = new ManualResetEventSlim();
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains(" listening on ", StringComparison.Ordinal) == true)
                listening.Set();
        };
        _process.BeginErrorReadLine();
        _process.StandardOutput.Close();
        if (!listening.Wait(TimeSpan.FromSeconds(10)))
        {
            Dispose();
            throw new InvalidOperationException($"socat did not listen on {address}:{port}");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit(5000);
        _process.Dispose();
    }
}
