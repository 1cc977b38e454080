using Sensor.Core.CrossCheck;
using static Sensor.Core.CrossCheck.CaptureStartTls;
using static Sensor.Core.CrossCheck.CertificateComparison;
using static Sensor.Core.CrossCheck.ProbeStartTls;

namespace Sensor.Tests.CrossCheck;

/// <summary>The decision table of <see cref="VerdictRules"/>, one test per row, each with the verdict the row gives.</summary>
public class VerdictRulesTests
{
    private static (VerdictRule, string?) Row(CaptureStartTls capture, ProbeStartTls probes, CertificateComparison certificate = NoneCaptured, bool traitsDiffer = false)
    {
        var rule = VerdictRules.Decide(capture, probes, certificate, traitsDiffer);
        return (rule, VerdictRules.VerdictOf(rule));
    }

    [Fact]
    public void NothingCapturedToCompareAndNoProbeAnswerSaysNothing() =>
        Assert.Equal((VerdictRule.Agree, null), Row(Present, NoAnswer, NoneCaptured));

    [Fact]
    public void NoProbeAnswerIsInconclusive()
    {
        Assert.Equal((VerdictRule.NoProbeAnswer, "inconclusive"), Row(Lacked, NoAnswer));
        Assert.Equal((VerdictRule.NoProbeAnswer, "inconclusive"), Row(Mixed, NoAnswer));
        Assert.Equal((VerdictRule.NoProbeAnswer, "inconclusive"), Row(Present, NoAnswer, NoneProbed));
    }

    [Fact]
    public void LackedWhileTheProbesVaryIsTheServerVarying() =>
        Assert.Equal((VerdictRule.ServerVaries, "inconclusive"), Row(Lacked, Varies));

    [Fact]
    public void MixedCaptureWhileTheProbesVaryIsTheServerVarying() =>
        Assert.Equal((VerdictRule.ServerVaries, "inconclusive"), Row(Mixed, Varies, traitsDiffer: true));

    [Fact]
    public void LackedWhileEveryProbeConnectionSawStartTlsIsInterferenceOnPath()
    {
        Assert.Equal((VerdictRule.InterferenceOnPath, "interference-on-path"), Row(Lacked, Always));
        // a different greeting is noted, but the stripping is what the verdict is about
        Assert.Equal((VerdictRule.InterferenceOnPath, "interference-on-path"), Row(Lacked, Always, traitsDiffer: true));
    }

    [Fact]
    public void MixedCaptureWhileEveryProbeConnectionSawStartTlsIsIntermittentInterference() =>
        Assert.Equal((VerdictRule.IntermittentInterference, "interference-on-path"), Row(Mixed, Always));

    [Fact]
    public void LackedWhileNoProbeConnectionSawStartTlsIsTheServer() =>
        Assert.Equal((VerdictRule.ServerLacksTls, "server-lacks-tls"), Row(Lacked, Never));

    [Fact]
    public void MixedCaptureWhileNoProbeConnectionSawStartTlsIsInconclusive() =>
        Assert.Equal((VerdictRule.CaptureSawMoreThanProbes, "inconclusive"), Row(Mixed, Never));

    [Fact]
    public void ProbesWithDifferentCertificatesAreInconclusive() =>
        Assert.Equal((VerdictRule.ProbeCertificatesDisagree, "inconclusive"), Row(Present, Always, ProbesDisagree, traitsDiffer: true));

    [Fact]
    public void AnotherCertificateHereIsSubstitution() =>
        Assert.Equal((VerdictRule.CertificateSubstituted, "certificate-substituted"), Row(Present, Always, Different, traitsDiffer: true));

    [Fact]
    public void OtherTraitsHereWithStartTlsIntactAreADifferentServer()
    {
        Assert.Equal((VerdictRule.DifferentServerAnswers, "different-server-answers"), Row(Present, Always, NoneCaptured, traitsDiffer: true));
        Assert.Equal((VerdictRule.DifferentServerAnswers, "different-server-answers"), Row(Present, Always, Same, traitsDiffer: true));
        Assert.Equal((VerdictRule.DifferentServerAnswers, "different-server-answers"), Row(Present, Varies, NoneProbed, traitsDiffer: true));
    }

    [Fact]
    public void ACertificateNoProbeCouldCompareIsInconclusive() =>
        Assert.Equal((VerdictRule.NoProbeCertificate, "inconclusive"), Row(Present, Never, NoneProbed));

    [Fact]
    public void CaptureAndProbesAgreeingSayNothing()
    {
        Assert.Equal((VerdictRule.Agree, null), Row(Present, Always, Same));
        Assert.Equal((VerdictRule.Agree, null), Row(Present, Always, NoneCaptured));
        // the capture saw nothing wrong: a server that varies for the probes is no verdict on this path
        Assert.Equal((VerdictRule.Agree, null), Row(Present, Varies, NoneCaptured));
    }
}
