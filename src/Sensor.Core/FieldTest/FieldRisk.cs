namespace Sensor.Core.FieldTest;

/// <summary>
/// What a person should know before testing a network, in a few sentences: the report and the
/// console end with it. Network measurement projects ask for informed consent for the same reasons
/// (OONI Probe's risk notes: who can see the test, the law where it runs, what a shared result reveals).
/// </summary>
public static class FieldRisk
{
    public const string Note =
        "Anyone who watches this network (its owner, your provider, a government) can see that this test ran: "
        + "it connects to mail servers and asks DNS about them and about this network. In some countries testing a network "
        + "for interference is against the law or the provider's terms, and a person already watched draws more attention. "
        + "If that could put you at risk, ask someone who knows the local law first. Share this report with care: "
        + "it names the network and the time of the test.";
}
