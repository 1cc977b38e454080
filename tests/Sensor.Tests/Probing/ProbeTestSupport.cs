using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sensor.Core.Probing;

namespace Sensor.Tests.Probing;

/// <summary>Helpers for probes against the loopback test servers (captures/tools/setup-servers.sh).</summary>
internal static class ProbeTestSupport
{
    public const string CertificatePath = "/etc/sensor-test/mail.pem";

    public static readonly ProbeOptions Quick = ProbeOptions.WithStepTimeout(TimeSpan.FromSeconds(5));

    public static Task<ProbeResult> Probe(string target, ProbeSelection? proto = null, ProbeOptions? options = null) =>
        ProbeAt(Assert.Single(ProbeTarget.Parse(target, proto)), options);

    public static Task<ProbeResult> ProbeAt(ProbeTarget target, ProbeOptions? options = null) =>
        MailProbe.RunAsync(target, target.Address ?? IPAddress.Parse(target.Host), options ?? Quick);

    public static string TestCertificateSha256()
    {
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(CertificatePath));
        return Convert.ToHexStringLower(SHA256.HashData(cert.RawData));
    }

    public static int FreePort(IPAddress address)
    {
        var listener = new TcpListener(address, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Sensor.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Sensor.sln not found above the test binaries");
    }
}

/// <summary>captures/tools/striptls_proxy.py in front of a real server, on its own 127.0.0.x address; killed on dispose.</summary>
internal sealed class StripProxy : IDisposable
{
    private readonly Process _process;

    public string Listen { get; }

    /// <param name="port">the port to listen on; a free one on that address when not given</param>
    public StripProxy(string proto, string mode, string upstream, string address, int? port = null)
    {
        Listen = $"{address}:{port ?? ProbeTestSupport.FreePort(IPAddress.Parse(address))}";
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(ProbeTestSupport.RepoRoot(), "captures", "tools", "striptls_proxy.py"), "--proto", proto, "--mode", mode, "--listen", Listen, "--upstream", upstream })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        var ready = _process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(10)) || ready.Result != "READY")
        {
            Dispose();
            throw new InvalidOperationException($"striptls_proxy.py did not start on {Listen}");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
    }
}
