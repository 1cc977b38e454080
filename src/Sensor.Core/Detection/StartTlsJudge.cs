using Sensor.Core.Catalogue;
using Sensor.Core.Sessions;

namespace Sensor.Core.Detection;

/// <summary>The STARTTLS rules: mangled (in the capabilities, or the client's command as the server got it), rejected, not completed, injected, not shown to the client, removed and absent.</summary>
internal sealed class StartTlsJudge(RuleSetHolder ruleSet, ServerKnowledge knowledge)
{
    /// <summary>The rules current now (reloaded by a live sensor); named as before so the judging code reads the same.</summary>
    private RuleSet rules => ruleSet.Current;

    public IEnumerable<Finding> JudgeUpgrade(MailSession session)
    {
        if (session.ImplicitTls)
            yield break;
        if (rules.FindMangled(session.Capabilities) is { } mangled)
            yield return Mangled(session, mangled);
        else if (MangledCommand(session) is { } command)
            yield return MangledCommandFinding(session, command);
        else if (IsRejected(session, out var why))
            yield return Rejected(session, why);
        // A server whose TLS answered (ServerHello, or an alert refusing the client's offer) was
        // reached: a handshake that failed then is a TLS disagreement, shown in the anomalies.
        if (session.StartTlsReply is { Accepted: true } && !session.TlsEstablished && !session.TlsServerAnswered)
            yield return NotCompleted(session);
        if (session.Injections.Count > 0)
            yield return Injected(session);
        foreach (var race in session.ReplyRaces)
            yield return InjectedReply(session, race);
    }

    /// <summary>The client's unknown command that matches a mangling rule, if any: its STARTTLS/STLS overwritten on the way to the server.</summary>
    private ObservedCommand? MangledCommand(MailSession session)
    {
        foreach (var command in session.UnknownCommands)
            if (rules.FindMangled([command.Verb]) is not null)
                return command;
        return null;
    }

    /// <summary>
    /// RFC 3207 §4 / RFC 2595 §3.1: a client that wants TLS issues STARTTLS after reading the offer.
    /// One that did so with this server before and now, with the offer in the current mail session, sends
    /// credentials in the clear without trying was most likely not shown the offer: a box on its side
    /// of the path removed it. Weaker than a strip seen on the wire (the client may have been told to
    /// skip TLS), so a lower confidence.
    /// </summary>
    public bool MayBeNotShownToClient(MailSession session) =>
        !session.ImplicitTls && session.StartTlsOffered && !session.StartTlsAttempted && session.Credentials.Count > 0;

    /// <summary>The not-shown-to-client finding on what is known now (an earlier session of this client may still be on its way), or null.</summary>
    public Finding? JudgeNotShownToClient(MailSession session) =>
        MayBeNotShownToClient(session) && knowledge.ClientUpgradedBefore(session) is { } earlier ? NotShownToClient(session, earlier) : null;

    /// <summary>At the first capability list: STARTTLS overwritten, or missing (removed or absent) on what is known now; else null.</summary>
    public Finding? JudgeOffer(MailSession session)
    {
        if (session.ImplicitTls)
            return null;
        if (rules.FindMangled(session.Capabilities) is { } mangled)
            return Mangled(session, mangled);
        return IsMissing(session) ? JudgeMissing(session) : null;
    }

    public bool IsMissing(MailSession session) =>
        !session.ImplicitTls && session.GreetingSeen && session.CapabilitiesSeen && !session.StartTlsOffered
        && !session.TlsEstablished && rules.FindMangled(session.Capabilities) is null && !IsRejected(session, out _)
        && !session.ReplyRaces.Any(r => r.OverOffer); // the offer was there, raced by a stripped copy: injected-reply says it

    public Finding JudgeMissing(MailSession session)
    {
        var keyword = StartTlsKeyword.For(session.Protocol);
        if (rules.IsMaskedBanner(session.Banner))
            return Stripped(session, StripVariants.Removed, Confidences.RemovedMaskedBanner, session.StartTicks,
                $"{session.ServerText} offered no {keyword} and its greeting was masked by an inspecting middlebox (Cisco MailGuard style)",
                [new(EvidenceKeys.KnownFrom, "masked banner"), new(EvidenceKeys.Banner, session.Banner)]);
        if (knowledge.WhyStartTlsExpected(session) is { } why)
            return Stripped(session, StripVariants.Removed, Confidences.RemovedKnown, session.StartTicks,
                $"{session.ServerText} offered no {keyword}, but it is known to: {why}", [new(EvidenceKeys.KnownFrom, why)]);
        var summary = $"{session.ServerText} offered no {keyword}; nothing yet says it should";
        return new Finding(FindingKinds.StartTlsAbsent, null, rules.SeverityOf(FindingKinds.StartTlsAbsent, null), Confidences.Absent,
            session, session.StartTicks, summary, [new(EvidenceKeys.Capabilities, string.Join(" ", session.Capabilities))]);
    }

    /// <summary>A refusal counts only from a server that offered the upgrade or is known to support it.</summary>
    private bool IsRejected(MailSession session, out string why)
    {
        why = "";
        if (session.StartTlsReply is not { Accepted: false } reply || !rules.IsRejection(session.Protocol, reply.Status))
            return false;
        why = session.StartTlsOffered ? "offered in this mail session" : knowledge.WhyStartTlsExpected(session) ?? "";
        return why.Length > 0;
    }

    private Finding Mangled(MailSession session, string token) =>
        Stripped(session, StripVariants.Mangled, Confidences.Mangled, session.StartTicks,
            $"{session.ServerText} advertised '{token}' where {StartTlsKeyword.For(session.Protocol)} belongs: overwritten on the path",
            [new(EvidenceKeys.Capability, token)]);

    private Finding MangledCommandFinding(MailSession session, ObservedCommand command)
    {
        var keyword = StartTlsKeyword.For(session.Protocol);
        var offered = session.StartTlsOffered ? $"{session.ServerText} offered {keyword}" : $"{session.ServerText} did not offer {keyword}";
        return Stripped(session, StripVariants.Mangled, session.StartTlsOffered ? Confidences.MangledCommandOffered : Confidences.MangledCommandNotOffered, command.Ticks,
            $"the client's command reached the server as '{command.Verb}' where {keyword} belongs ({offered}): overwritten on the path",
            [new(EvidenceKeys.Command, command.Verb), new(EvidenceKeys.Direction, "client"), new(EvidenceKeys.Offered, session.StartTlsOffered)]);
    }

    private Finding NotShownToClient(MailSession session, string earlier)
    {
        var keyword = StartTlsKeyword.For(session.Protocol);
        return Stripped(session, StripVariants.NotShownToClient, Confidences.NotShownToClient, session.Credentials[0].Ticks,
            $"{session.ServerText} offered {keyword}, and {session.Client.Address} used it with this server before ({earlier}), but now sent credentials in the clear without trying: the client was most likely not shown {keyword}",
            [new(EvidenceKeys.EarlierSession, earlier), new(EvidenceKeys.KnownFrom, "the same client used STARTTLS with this server in an earlier session")]);
    }

    private Finding Rejected(MailSession session, string why)
    {
        var reply = session.StartTlsReply!;
        return Stripped(session, StripVariants.Rejected, Confidences.Rejected, session.StartTlsTicks,
            $"{StartTlsKeyword.For(session.Protocol)} refused with '{reply.Status} {reply.Text}' by {session.ServerText} ({why})",
            [new(EvidenceKeys.Reply, $"{reply.Status} {reply.Text}".Trim()), new(EvidenceKeys.KnownFrom, why)]);
    }

    private Finding NotCompleted(MailSession session)
    {
        var accepted = $"{session.ServerText} accepted {StartTlsKeyword.For(session.Protocol)}";
        if (session.TlsNotStarted)
            return Stripped(session, StripVariants.NotCompleted, Confidences.NotCompletedPlaintext, session.StartTlsTicks,
                $"{accepted} but the session went on in plaintext", [new(EvidenceKeys.Reply, session.StartTlsReply!.Status)]);
        // Many servers refuse a client that offers nothing newer than TLS 1.1 by closing without a word
        // (Dovecot does): on the wire that looks like a box that accepts STARTTLS and hangs up.
        var legacyOnly = session.TlsClientVersions.Count > 0 && session.TlsClientVersions.All(v => v is "SSLv2" or "SSLv3" or "TLSv1.0" or "TLSv1.1");
        return Stripped(session, StripVariants.NotCompleted, legacyOnly ? Confidences.NotCompletedLegacyClient : Confidences.NotCompleted, session.StartTlsTicks,
            legacyOnly
                ? $"{accepted} but no TLS handshake completed; the client offered only {string.Join(", ", session.TlsClientVersions)}, which the server may have refused by closing"
                : $"{accepted} but no TLS handshake completed",
            session.TlsClientVersions.Count == 0 ? [new(EvidenceKeys.Reply, session.StartTlsReply!.Status)]
                : [new(EvidenceKeys.Reply, session.StartTlsReply!.Status), new(EvidenceKeys.ClientVersions, string.Join(" ", session.TlsClientVersions))]);
    }

    private Finding Injected(MailSession session)
    {
        var first = session.Injections[0];
        var side = first.Direction == Reassembly.Direction.ClientToServer ? "client" : "server";
        return Stripped(session, StripVariants.Injected, Confidences.Injected, session.StartTlsTicks,
            $"{first.Length} plaintext byte(s) from the {side} after STARTTLS and before the TLS handshake (CVE-2011-0411 class)",
            [new(EvidenceKeys.Direction, side), new(EvidenceKeys.Bytes, (long)first.Length), new(EvidenceKeys.FirstWord, FirstWord(first.Preview))]);
    }

    /// <summary>
    /// Both versions of the raced reply as evidence, and which one the client acted on: after a capability list,
    /// STARTTLS sent (it believed the offer) or a credential or a message sent in the clear (it believed the
    /// stripped list); after the answer to STARTTLS, a TLS handshake (it believed the go-ahead) or plaintext.
    /// </summary>
    private Finding InjectedReply(MailSession session, ReplyRace race)
    {
        var keyword = StartTlsKeyword.For(session.Protocol);
        bool? tookTls = race.OverOffer ? TookOffer(session) : TookGoAhead(session);
        string believed = tookTls is null ? "unknown" : tookTls == race.KeptAllowsTls ? "first" : "second";
        var what = race.OverOffer ? $"one offering {keyword} and one without it" : $"one accepting {keyword} and one refusing it";
        var acted = tookTls switch
        {
            true => race.OverOffer ? $"the client sent {keyword}" : "the client started TLS",
            false => "the client went on in the clear",
            null => "the client's next move does not tell which it believed",
        };
        return Stripped(session, StripVariants.InjectedReply, Confidences.Injected, race.Ticks,
            $"two versions of the same reply bytes from {session.ServerText}, {what}: injected on the path; {acted}",
            [new(EvidenceKeys.First, race.KeptText), new(EvidenceKeys.FirstStance, Stance(race.Kept)), new(EvidenceKeys.Second, race.OtherText),
             new(EvidenceKeys.SecondStance, Stance(race.Other)), new(EvidenceKeys.Believed, believed)]);
    }

    private static bool? TookOffer(MailSession session) =>
        session.StartTlsAttempted ? true : session.Credentials.Count > 0 || session.Messages > 0 ? false : null;

    private static bool? TookGoAhead(MailSession session) =>
        session.TlsClientVersions.Count > 0 || session.TlsEstablished ? true
            : session.TlsNotStarted || session.Credentials.Count > 0 || session.Messages > 0 ? false : null;

    private static string Stance(Protocols.StartTlsStance stance) => stance switch
    {
        Protocols.StartTlsStance.Offered => "offered",
        Protocols.StartTlsStance.NotOffered => "not-offered",
        Protocols.StartTlsStance.Accepted => "accepted",
        _ => "refused",
    };

    private Finding Stripped(MailSession session, string variant, double confidence, long ticks, string summary,
        List<KeyValuePair<string, object?>> evidence) =>
        new(FindingKinds.StartTlsStripped, variant, rules.SeverityOf(FindingKinds.StartTlsStripped, variant), confidence,
            session, ticks, summary, evidence);

    /// <summary>Only the verb of injected text is kept: the rest may be a credential.</summary>
    private static string FirstWord(string preview)
    {
        var word = preview.TrimStart();
        int end = word.IndexOfAny([' ', '\\', '\r', '\n']);
        return end >= 0 ? word[..end] : word;
    }
}
