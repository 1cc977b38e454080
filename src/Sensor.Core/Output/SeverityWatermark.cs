using Sensor.Core.Detection;
using Sensor.Core.Sessions;

namespace Sensor.Core.Output;

/// <summary>
/// The highest severity among the findings so far: what `--fail-on` compares. A JSON Lines replay needs
/// only this of the summary; counting sessions and findings by server and kind cost its sessions thread
/// about 5% (bench/README.md, section 3).
/// </summary>
public sealed class SeverityWatermark : IRecordSink
{
    public Severity? Highest { get; private set; }

    public void OnSession(MailSession session, SessionRecordOnDemand record) { }

    public void OnFinding(Finding finding, FindingRecord record)
    {
        if (Highest is null || finding.Severity > Highest)
            Highest = finding.Severity;
    }
}
