using System.Text;
using Sensor.Core.Decoding;
using Sensor.Core.Pipeline;
using Sensor.Core.Reassembly;
using Xunit;

namespace Sensor.Tests.Pipeline;

/// <summary>The capture-thread screen ignores a flow on another port exactly when the sessions stage would.</summary>
public class NonMailScreenTests
{
    private static readonly Endpoint Client = Endpoint.Parse("192.0.2.10:40000");

    private static (NonMailScreen Screen, TcpFlow Flow) Start(ushort serverPort, bool sawHandshake = true)
    {
        var screen = new NonMailScreen();
        var flow = new TcpFlow(Client, Endpoint.Parse($"198.51.100.25:{serverPort}"), 0, sawHandshake);
        screen.OnFlowStart(flow);
        return (screen, flow);
    }

    private static void Send(NonMailScreen screen, TcpFlow flow, Direction direction, string text) =>
        screen.OnData(flow, direction, Encoding.ASCII.GetBytes(text));

    [Fact]
    public void Http_request_first_is_ignored()
    {
        var (screen, flow) = Start(8080);
        Send(screen, flow, Direction.ClientToServer, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.True(flow.Ignored);
    }

    [Fact]
    public void Bulk_bytes_without_a_line_are_ignored_at_the_probe_cap()
    {
        var (screen, flow) = Start(5201);
        screen.OnData(flow, Direction.ServerToClient, new byte[300]);
        Assert.False(flow.Ignored);
        screen.OnData(flow, Direction.ServerToClient, new byte[300]);
        Assert.True(flow.Ignored);
    }

    [Theory]
    [InlineData("220 mx.example ESMTP Postfix\r\n")]
    [InlineData("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")]
    [InlineData("+OK POP3 ready\r\n")]
    public void Mail_greeting_on_another_port_is_kept(string greeting)
    {
        var (screen, flow) = Start(2600);
        Send(screen, flow, Direction.ServerToClient, greeting);
        Send(screen, flow, Direction.ClientToServer, "GET / HTTP/1.1\r\n");
        Assert.False(flow.Ignored);
    }

    [Fact]
    public void A_half_line_decides_nothing_yet()
    {
        var (screen, flow) = Start(2600);
        Send(screen, flow, Direction.ServerToClient, "HTTP/1.1 200");
        Assert.False(flow.Ignored);
        Send(screen, flow, Direction.ServerToClient, " OK\r\n");
        Assert.True(flow.Ignored);
    }

    [Fact]
    public void Greeting_from_the_client_of_a_seen_handshake_is_not_mail()
    {
        var (screen, flow) = Start(2600, sawHandshake: true);
        Send(screen, flow, Direction.ClientToServer, "220 mx.example ESMTP\r\n");
        Assert.True(flow.Ignored);
    }

    [Fact]
    public void Greeting_from_the_guessed_client_without_handshake_is_kept()
    {
        var (screen, flow) = Start(2600, sawHandshake: false);
        Send(screen, flow, Direction.ClientToServer, "220 mx.example ESMTP\r\n");
        Assert.False(flow.Ignored);
    }

    [Fact]
    public void Mail_ports_are_left_to_the_sessions_stage()
    {
        var (screen, flow) = Start(25);
        Send(screen, flow, Direction.ClientToServer, "GET / HTTP/1.1\r\n");
        Assert.False(flow.Ignored);
    }
}
