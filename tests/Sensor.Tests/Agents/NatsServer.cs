using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sensor.Tests.Probing;

namespace Sensor.Tests.Agents;

/// <summary>
/// A real nats-server (Debian's package) on 127.0.0.1:&lt;free port&gt;, its config in a temp dir,
/// requiring a user and password; with <c>jetStream</c>, JetStream keeps its store in that dir, so
/// <see cref="Stop"/> then <see cref="Start"/> is a restart on the same store. Killed on dispose.
/// </summary>
public sealed class NatsServer : IDisposable
{
    public const string Binary = "/usr/sbin/nats-server";
    public const string User = "sensor";
    private readonly string _config;
    private readonly int _port;
    private Process _process = null!;

    public string Directory { get; }
    public string Url { get; }
    public string Password { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
    public string PasswordFile { get; }

    /// <param name="jetStream">with JetStream, its store in the temp dir</param>
    /// <param name="requesterAccounts">
    /// instead of one user, an AGENTS account (user "agent") exporting the probe service and a SENSORS
    /// account (these users) importing it with share: true, so the server tells the agent who asks
    /// (Nats-Request-Info); every user has <see cref="Password"/>
    /// </param>
    public NatsServer(bool jetStream = false, string[]? requesterAccounts = null)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: run scripts/setup-test-servers.sh (apt-get install nats-server)");
        Directory = Cli.SensorProcess.TempDir();
        _port = ProbeTestSupport.FreePort(IPAddress.Loopback);
        Url = $"nats://127.0.0.1:{_port}";
        _config = Path.Combine(Directory, "nats.conf");
        var store = jetStream ? $"jetstream {{ store_dir: \"{Path.Combine(Directory, "js")}\" }}" : "";
        File.WriteAllText(_config, $$"""
            listen: "127.0.0.1:{{_port}}"
            {{(requesterAccounts is null ? $"authorization {{ user: \"{User}\", password: \"{Password}\" }}" : Accounts(requesterAccounts))}}
            {{store}}
            """);
        PasswordFile = Path.Combine(Directory, "password");
        File.WriteAllText(PasswordFile, Password + "\n");
        Start();
    }

    private string Accounts(string[] requesters) => $$"""
        accounts: {
          AGENTS: { users: [ { user: "agent", password: "{{Password}}" } ], exports: [ { service: "sensor.probe.>" } ] }
          SENSORS: {
            users: [ {{string.Join(", ", requesters.Select(r => $"{{ user: \"{r}\", password: \"{Password}\" }}"))}} ]
            imports: [ { service: { account: AGENTS, subject: "sensor.probe.>" }, share: true } ]
          }
        }
        """;

    /// <summary>Starts the server (again, after <see cref="Stop"/>) and waits until it accepts connections.</summary>
    public void Start()
    {
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(_config);
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
                client.Connect(IPAddress.Loopback, _port);
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

    /// <summary>
    /// Kills the server (as a crash or a pulled cable would end it), or with <paramref name="graceful"/> stops it
    /// with SIGTERM (what it stored reaches its files; clients lose the connection and acks in flight);
    /// <see cref="Start"/> brings it back.
    /// </summary>
    public void Stop(bool graceful = false)
    {
        try
        {
            if (!_process.HasExited)
            {
                if (graceful)
                {
                    using var term = Process.Start("kill", ["-TERM", _process.Id.ToString()])!;
                    term.WaitForExit();
                }
                else
                    _process.Kill();
                _process.WaitForExit(graceful ? 15_000 : 5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    public void Dispose()
    {
        Stop();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
