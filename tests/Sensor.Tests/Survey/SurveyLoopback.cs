using System.Net;
using System.Net.Sockets;
using Sensor.Tests.Probing;

namespace Sensor.Tests.Survey;

/// <summary>
/// Loopback targets for surveys: the real postfix (captures/tools/setup-servers.sh: 127.0.0.1:25 and
/// 587, STARTTLS), silent listeners on 127.0.0.3 that accept and never greet, and a refused port.
/// </summary>
public sealed class SurveyLoopback : IDisposable
{
    private readonly List<TcpListener> _silent = [];

    public IReadOnlyList<string> Silent { get; }
    public string Refused { get; } = $"127.0.0.1:{ProbeTestSupport.FreePort(IPAddress.Loopback)}";

    public SurveyLoopback(int silent = 1)
    {
        for (var i = 0; i < silent; i++)
        {
            var listener = new TcpListener(IPAddress.Parse("127.0.0.3"), 0);
            listener.Start();
            _silent.Add(listener);
        }
        Silent = [.. _silent.Select(l => $"127.0.0.3:{((IPEndPoint)l.LocalEndpoint).Port}")];
    }

    /// <summary>Whether someone connected to silent listener <paramref name="index"/> within the time given.</summary>
    public bool Connected(int index, TimeSpan within) =>
        _silent[index].Server.Poll((int)within.TotalMicroseconds, SelectMode.SelectRead);

    public void Dispose()
    {
        foreach (var listener in _silent)
            listener.Stop();
    }
}
