using Sensor.Core.CrossCheck;
using Sensor.Core.Output;

namespace Sensor.Tests.CrossCheck;

public class VerdictUpdatesTests
{
    private static VerdictRecord Verdict(string server, string verdict, int agreeing, int total) =>
        new() { Protocol = "smtp", Server = server, Verdict = verdict, Agreeing = agreeing, Total = total };

    private static List<(string, string, int, int)> Shown(IEnumerable<VerdictRecord> verdicts) =>
        [.. verdicts.Select(v => (v.Server, v.Verdict, v.Agreeing, v.Total))];

    [Fact]
    public void AVerdictIsReportedWhenDecidedAndAgainOnlyWhenItChanges()
    {
        var updates = new VerdictUpdates();
        Assert.Equal([("10.0.0.1:25", Verdicts.ServerLacksTls, 1, 1)],
            Shown(updates.Select([Verdict("10.0.0.1:25", Verdicts.ServerLacksTls, 1, 1)], final: false)));
        Assert.Empty(updates.Select([Verdict("10.0.0.1:25", Verdicts.ServerLacksTls, 1, 1)], final: false));
        Assert.Equal([("10.0.0.1:25", Verdicts.ServerLacksTls, 2, 2)],
            Shown(updates.Select([Verdict("10.0.0.1:25", Verdicts.ServerLacksTls, 2, 2)], final: false)));
        Assert.Equal([("10.0.0.1:25", Verdicts.InterferenceOnPath, 2, 2)],
            Shown(updates.Select([Verdict("10.0.0.1:25", Verdicts.InterferenceOnPath, 2, 2)], final: false)));
        // the end repeats nothing already reported
        Assert.Empty(updates.Select([Verdict("10.0.0.1:25", Verdicts.InterferenceOnPath, 2, 2)], final: true));
    }

    [Fact]
    public void InconclusiveVerdictsWaitForTheEndOfTheCapture()
    {
        var updates = new VerdictUpdates();
        VerdictRecord[] now = [Verdict("10.0.0.1:25", Verdicts.Inconclusive, 0, 0), Verdict("10.0.0.2:25", Verdicts.ServerLacksTls, 1, 1)];
        Assert.Equal([("10.0.0.2:25", Verdicts.ServerLacksTls, 1, 1)], Shown(updates.Select(now, final: false)));
        Assert.Equal([("10.0.0.1:25", Verdicts.Inconclusive, 0, 0)], Shown(updates.Select(now, final: true)));
    }

    [Fact]
    public void ServersAreToldApartByProtocolAndEndpoint()
    {
        var updates = new VerdictUpdates();
        var imap = Verdict("10.0.0.1:143", Verdicts.ServerLacksTls, 1, 1);
        imap.Protocol = "imap";
        Assert.Equal(2, updates.Select([Verdict("10.0.0.1:25", Verdicts.ServerLacksTls, 1, 1), imap], final: false).Count);
    }
}
