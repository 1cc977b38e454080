using Sensor.Core.Detection;
using Sensor.Core.Protocols;
using static Sensor.Tests.Detection.SessionFactory;

namespace Sensor.Tests.Detection;

/// <summary>Rule reload: a detector judges each session by the rules its holder has when the session is judged.</summary>
public class RuleSetHolderTests
{
    [Fact]
    public void ReplacedRules_JudgeTheNextSession_AndPolicyFollows()
    {
        var holder = new RuleSetHolder(RuleFileLoader.Parse("version: 1\nmangled_capabilities: []\n", "none.yaml", DefaultRules.Rules));
        var knowledge = new ServerKnowledge(holder, history: null);
        var detector = new SessionDetector(holder, knowledge);
        var session = Build(MailProtocol.Smtp, "127.0.0.1:25", SmtpGreeting(), Ehlo("PIPELINING", "XXXXXXXA"));

        Assert.Empty(detector.Judge(session));
        Assert.True(detector.AwaitsStartTlsVerdict(session));
        Assert.Null(knowledge.WhyStartTlsExpected(session));

        holder.Replace(RuleFileLoader.Parse("version: 1\nmangled_capabilities:\n  - pattern: '^XXXXXXXA$'\nrequire_starttls:\n  - server: 127.0.0.1:25\n",
            "new.yaml", DefaultRules.Rules));

        var finding = Assert.Single(detector.Judge(session));
        Assert.Equal(("starttls-stripped", "mangled"), (finding.Kind, finding.Variant));
        Assert.False(detector.AwaitsStartTlsVerdict(session));
        Assert.Equal("policy (rules:new.yaml)", knowledge.WhyStartTlsExpected(session));
    }
}
