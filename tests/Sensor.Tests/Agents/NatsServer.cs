using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sensor.Tests.Probing;

namespace Sensor.Tests.Agents;

/// <summary>
/// A real nats-server (Debian's package) on 127.0.0.1:&lt;free port&gt;, its config in a temp dir,
/// requiring a user and password; killed on dispose.
/// </summary>
public sealed class NatsServer : IDisposable
{
    public const string Binary = "/usr/sbin/nats-server";
    public const string User = "sensor";
    private readonly Process _process;

    public string Directory { get; }
    public string Url { get; }
    public string Password { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
    public string PasswordFile { get; }

    public NatsServer()
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: run scripts/setup-test-servers.sh (apt-get install nats-server)");
        Directory = Cli.SensorProcess.TempDir();
        var port = ProbeTestSupport.FreePort(IPAddress.Loopback);
        Url = $"nats://127.0.0.1:{port}";
        var config = Path.Combine(Directory, "nats.conf");
        File.WriteAllText(config, $$"""
            listen: "127.0.0.1:{{port}}"
            authorization { user: "{{User}}", password: "{{Password}}" }
            """);
        PasswordFile = Path.Combine(Directory, "password");
        File.WriteAllText(PasswordFile, Password + "\n");
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(config);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                Thread.Sleep(50);
            }
            catch
            {
                Dispose();
                throw new InvalidOperationException($"nats-server did not start on {Url}");
            }
        }
    }

    public string[] CredentialArgs() => ["--bus", Url, "--user", User, "--password-file", PasswordFile];

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
