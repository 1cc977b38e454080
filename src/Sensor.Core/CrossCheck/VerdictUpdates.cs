using Sensor.Core.Output;

namespace Sensor.Core.CrossCheck;

/// <summary>
/// Which verdicts a capture that runs for days reports while it runs: a server's verdict when it is
/// first decided and again whenever it changes (another verdict, or other counts of agreeing and
/// answering probes), never the same one twice. While capture goes on an <c>inconclusive</c> verdict
/// is held back, since it mostly means the probes have not answered yet; at the end every server's
/// last verdict that was not reported yet is. At most <see cref="PassiveCollector.MaxServers"/>
/// servers are remembered; past that a verdict is reported every time it is asked about.
/// </summary>
public sealed class VerdictUpdates
{
    private readonly Dictionary<(string Protocol, string Server), (string Verdict, int Agreeing, int Total)> _reported = [];

    /// <param name="verdicts">every server's verdict now</param>
    /// <param name="final">the capture has stopped: inconclusive verdicts are reported too</param>
    public List<VerdictRecord> Select(IEnumerable<VerdictRecord> verdicts, bool final)
    {
        var news = new List<VerdictRecord>();
        foreach (var verdict in verdicts)
        {
            if (!final && verdict.Verdict == Verdicts.Inconclusive)
                continue;
            var key = (verdict.Protocol, verdict.Server);
            var state = (verdict.Verdict, verdict.Agreeing, verdict.Total);
            if (_reported.TryGetValue(key, out var last) && last == state)
                continue;
            if (_reported.Count < PassiveCollector.MaxServers || _reported.ContainsKey(key))
                _reported[key] = state;
            news.Add(verdict);
        }
        return news;
    }
}
