using System.Text;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Text;
using Xunit;

namespace Sensor.Tests.Protocols;

public class ShortTextCacheTests
{
    [Fact]
    public void Same_bytes_give_the_same_string_instance()
    {
        var first = ShortTextCache.Get("PIPELINING"u8);
        var second = ShortTextCache.Get(Encoding.ASCII.GetBytes("PIPELINING"));
        Assert.Equal("PIPELINING", first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Every_text_comes_back_exact_even_when_slots_collide()
    {
        // 20,000 distinct texts over 4,096 slots: many collide, none may come back wrong.
        for (int round = 0; round < 2; round++)
            for (int i = 0; i < 20_000; i++)
            {
                var text = $"250-CAP{i}";
                Assert.Equal(text, ShortTextCache.Get(Encoding.ASCII.GetBytes(text)));
            }
    }

    [Fact]
    public void Wire_text_escapes_the_same_with_the_cache()
    {
        Assert.Equal("STARTTLS", WireText.Escape("STARTTLS"u8));
        Assert.Equal("a\\x0db", WireText.Escape("a\rb"u8));
        Assert.Equal("", WireText.Escape(""u8));
        var longLine = new string('x', ShortTextCache.MaxBytes + 1);
        Assert.Equal(longLine, WireText.Escape(Encoding.ASCII.GetBytes(longLine)));
    }

    [Fact]
    public void Two_texts_whose_hashes_meet_both_stay_cached_while_they_alternate()
    {
        // The hash is seeded per process: find two texts that land on the same slot in this one.
        var byPair = new Dictionary<int, string>();
        string a = "", b = "";
        for (int i = 0; ; i++)
        {
            var text = $"250 2.0.{i} Ok";
            var hash = new HashCode();
            hash.AddBytes(Encoding.ASCII.GetBytes(text));
            if (byPair.TryAdd(hash.ToHashCode() & 4095, text))
                continue;
            (a, b) = (byPair[hash.ToHashCode() & 4095], text);
            break;
        }
        var (bytesA, bytesB) = (Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
        var (firstA, firstB) = (ShortTextCache.Get(bytesA), ShortTextCache.Get(bytesB));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            Assert.Same(firstA, ShortTextCache.Get(bytesA));
            Assert.Same(firstB, ShortTextCache.Get(bytesB));
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
