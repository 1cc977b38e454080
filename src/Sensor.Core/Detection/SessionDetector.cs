using Sensor.Core.Catalogue;
using Sensor.Core.Protocols;
using Sensor.Core.Sessions;

namespace Sensor.Core.Detection;

/// <summary>
/// Judges a finished session (Zeek's policy layer): credentials, STARTTLS mangled, refused, not
/// completed or injected, weak TLS, mail in the clear. Whether a missing STARTTLS was removed or
/// simply absent depends on what is known of the server, which in a replay is only complete at
/// the end: <see cref="AwaitsStartTlsVerdict"/> and <see cref="JudgeMissingStartTls"/> do that part.
/// </summary>
public sealed class SessionDetector(RuleSetHolder ruleSet, ServerKnowledge knowledge)
{
    /// <summary>The rules current now (reloaded by a live sensor); named as before so the judging code reads the same.</summary>
    private RuleSet rules => ruleSet.Current;

    private readonly StartTlsJudge _startTls = new(ruleSet, knowledge);

    public IEnumerable<Finding> Judge(MailSession session)
    {
        foreach (var credential in session.Credentials)
            yield return CredentialFinding(session, credential);
        foreach (var finding in _startTls.JudgeUpgrade(session))
            yield return finding;
        foreach (var finding in WeakTlsJudge.Judge(session, rules))
            yield return finding;
        if (session.Protocol == MailProtocol.Smtp && session.Messages > 0)
            yield return CleartextMail(session);
    }

    /// <summary>
    /// True when the session's STARTTLS verdict depends on what else is known, so it is given once all
    /// is known: the server offered no STARTTLS (removed or absent?), or it offered it and the client sent
    /// credentials without trying (had this client upgraded with this server before: not shown to it?).
    /// </summary>
    public bool AwaitsStartTlsVerdict(MailSession session) => _startTls.IsMissing(session) || _startTls.MayBeNotShownToClient(session);

    /// <summary>True when what is known already settles that verdict, so it need not wait.</summary>
    public bool StartTlsVerdictKnown(MailSession session) => _startTls.IsMissing(session)
        ? knowledge.WhyStartTlsExpected(session) is not null
        : knowledge.ClientUpgradedBefore(session) is not null;

    /// <summary>
    /// Whether what the capture will still show can change this mail session's verdict: a missing STARTTLS can be
    /// explained by any later session to its server; an offer the client did not use, only by an earlier
    /// session of the same client that upgraded, and with none of that client's sessions still open every
    /// earlier one has been seen. A replay judges such a session at once instead of keeping it to the end.
    /// </summary>
    public bool VerdictFinalAtEnd(MailSession session) => !_startTls.IsMissing(session) && !session.ClientHadOtherSessionsOpen;

    /// <summary>The verdict on what is known now: removed or absent for a missing STARTTLS; not-shown-to-client, or nothing, for an offer the client did not use.</summary>
    public Finding? JudgeMissingStartTls(MailSession session) =>
        _startTls.IsMissing(session) ? _startTls.JudgeMissing(session) : _startTls.JudgeNotShownToClient(session);

    /// <summary>Live mode, at the first cleartext capability list: a mangled or missing STARTTLS, or null.</summary>
    public Finding? JudgeStartTlsOffer(MailSession session) => _startTls.JudgeOffer(session);

    private Finding CredentialFinding(MailSession session, ObservedCredential observed)
    {
        var credential = observed.Credential;
        bool reusable = credential.Kind == CredentialKind.Reusable;
        var kind = reusable ? FindingKinds.PlaintextCredential : FindingKinds.CrackableCredential;
        var what = reusable ? "a reusable secret crossed in the clear" : "a challenge/response an observer can crack offline crossed in the clear";
        var summary = $"{credential.Mechanism} for '{credential.User ?? "?"}' to {session.ServerText}: {what}";
        List<KeyValuePair<string, object?>> evidence =
        [
            new(EvidenceKeys.User, credential.User),
            new(EvidenceKeys.Mechanism, credential.Mechanism),
            new(EvidenceKeys.Accepted, observed.Accepted),
        ];
        if (credential.UserBase64 is not null)
            evidence.Insert(1, new(EvidenceKeys.UserBase64, credential.UserBase64)); // the name's bytes were not UTF-8
        return new Finding(kind, credential.Variant, rules.SeverityOf(kind, credential.Variant), Confidences.Certain,
            session, observed.Ticks, summary, evidence, credential.Secret, credential.SecretBase64);
    }

    private Finding CleartextMail(MailSession session)
    {
        var summary = $"{session.Messages} message(s), {session.MessageBytes} bytes, sent to {session.ServerText} without TLS";
        List<KeyValuePair<string, object?>> evidence =
        [
            new(EvidenceKeys.Messages, (long)session.Messages),
            new(EvidenceKeys.Bytes, session.MessageBytes),
        ];
        return new Finding(FindingKinds.CleartextMail, null, rules.SeverityOf(FindingKinds.CleartextMail, null), Confidences.Certain,
            session, session.EndTicks, summary, evidence);
    }
}
