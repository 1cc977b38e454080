namespace Sensor.Core.CrossCheck;

/// <summary>What the capture's sessions with one server say of STARTTLS.</summary>
public enum CaptureStartTls
{
    /// <summary>Every session lacked it (absent, stripped, refused) and none completed TLS.</summary>
    Lacked,
    /// <summary>Some sessions lacked it and others completed TLS, along the same path.</summary>
    Mixed,
    /// <summary>No session lacked it.</summary>
    Present,
}

/// <summary>What every connection of the independent probes says of STARTTLS.</summary>
public enum ProbeStartTls
{
    /// <summary>No fresh probe, or none of its connections answered.</summary>
    NoAnswer,
    /// <summary>Every connection that answered was offered STARTTLS and completed TLS.</summary>
    Always,
    /// <summary>Every connection that answered saw no STARTTLS.</summary>
    Never,
    /// <summary>Some connections saw STARTTLS and TLS, others none: the server varies.</summary>
    Varies,
}

/// <summary>The capture's certificates against the probes' (only TLS 1.2 and older show one on the wire).</summary>
public enum CertificateComparison
{
    /// <summary>The capture saw no certificate.</summary>
    NoneCaptured,
    /// <summary>The capture saw one, no probe connection completed TLS with one.</summary>
    NoneProbed,
    /// <summary>The probes saw more than one certificate among themselves.</summary>
    ProbesDisagree,
    /// <summary>Every certificate the capture saw is the one the probes saw.</summary>
    Same,
    /// <summary>The capture saw a certificate other than the one every probe saw.</summary>
    Different,
}

/// <summary>One row of the decision table; <see cref="VerdictRules.VerdictOf"/> names its verdict.</summary>
public enum VerdictRule
{
    NoProbeAnswer,
    ServerVaries,
    InterferenceOnPath,
    IntermittentInterference,
    ServerLacksTls,
    CaptureSawMoreThanProbes,
    ProbeCertificatesDisagree,
    NoProbeCertificate,
    CertificateSubstituted,
    DifferentServerAnswers,
    Agree,
}

/// <summary>
/// The cross-check's decision table, pure: what the capture saw, what the probes' connections saw,
/// how the certificates compare and whether the answering host's traits (greeting, capabilities,
/// TLS version) differ, in; the row out. Read top to bottom, the first row that matches wins:
/// <code>
/// capture  | probes    | certificate          | traits  | row                          | verdict
/// any      | no answer | (nothing captured)   |         | Agree                        | none
/// any      | no answer |                      |         | NoProbeAnswer                | inconclusive
/// lacked   | varies    |                      |         | ServerVaries                 | inconclusive
/// mixed    | varies    |                      |         | ServerVaries                 | inconclusive
/// lacked   | always    |                      |         | InterferenceOnPath           | interference-on-path
/// mixed    | always    |                      |         | IntermittentInterference     | interference-on-path
/// lacked   | never     |                      |         | ServerLacksTls               | server-lacks-tls
/// mixed    | never     |                      |         | CaptureSawMoreThanProbes     | inconclusive
/// present  |           | probes disagree      |         | ProbeCertificatesDisagree    | inconclusive
/// present  |           | different            |         | CertificateSubstituted       | certificate-substituted
/// present  |           |                      | differ  | DifferentServerAnswers       | different-server-answers
/// present  |           | none probed          |         | NoProbeCertificate           | inconclusive
/// present  |           |                      |         | Agree                        | none
/// </code>
/// A server that varies from one connection to the next is never blamed on the path (DOMAIN: load-balanced
/// MXs differ; sample more than once before accusing); sessions of the same capture both ways with probes
/// that always see STARTTLS are the path, intermittently.
/// </summary>
public static class VerdictRules
{
    public static VerdictRule Decide(CaptureStartTls capture, ProbeStartTls probes, CertificateComparison certificate, bool traitsDiffer) =>
        (capture, probes) switch
        {
            (CaptureStartTls.Present, ProbeStartTls.NoAnswer) when certificate == CertificateComparison.NoneCaptured => VerdictRule.Agree,
            (_, ProbeStartTls.NoAnswer) => VerdictRule.NoProbeAnswer,
            (not CaptureStartTls.Present, ProbeStartTls.Varies) => VerdictRule.ServerVaries,
            (CaptureStartTls.Lacked, ProbeStartTls.Always) => VerdictRule.InterferenceOnPath,
            (CaptureStartTls.Mixed, ProbeStartTls.Always) => VerdictRule.IntermittentInterference,
            (CaptureStartTls.Lacked, ProbeStartTls.Never) => VerdictRule.ServerLacksTls,
            (CaptureStartTls.Mixed, ProbeStartTls.Never) => VerdictRule.CaptureSawMoreThanProbes,
            _ => certificate switch
            {
                CertificateComparison.ProbesDisagree => VerdictRule.ProbeCertificatesDisagree,
                CertificateComparison.Different => VerdictRule.CertificateSubstituted,
                _ when traitsDiffer => VerdictRule.DifferentServerAnswers,
                CertificateComparison.NoneProbed => VerdictRule.NoProbeCertificate,
                _ => VerdictRule.Agree,
            },
        };

    /// <summary>The verdict a row gives; null for <see cref="VerdictRule.Agree"/> (nothing to say).</summary>
    public static string? VerdictOf(VerdictRule rule) => rule switch
    {
        VerdictRule.InterferenceOnPath or VerdictRule.IntermittentInterference => Verdicts.InterferenceOnPath,
        VerdictRule.ServerLacksTls => Verdicts.ServerLacksTls,
        VerdictRule.CertificateSubstituted => Verdicts.CertificateSubstituted,
        VerdictRule.DifferentServerAnswers => Verdicts.DifferentServerAnswers,
        VerdictRule.Agree => null,
        _ => Verdicts.Inconclusive,
    };
}
