namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>The <c>Classification</c> configuration section.</summary>
public sealed record ClassificationOptions
{
    /// <summary>The default <see cref="BodyPeekLimitBytes"/>: 16 KiB.</summary>
    public const int DefaultBodyPeekLimitBytes = 16 * 1024;

    /// <summary>The default <see cref="RpcNameBudget"/>: 200 names.</summary>
    public const int DefaultRpcNameBudget = 200;

    /// <summary>Largest request body, in bytes, read to find model, method or action; larger bodies are named by path alone. Default 16384.</summary>
    public int BodyPeekLimitBytes { get; init; } = DefaultBodyPeekLimitBytes;

    /// <summary>How many distinct <c>rpc:&lt;model&gt;.&lt;method&gt;</c> names may exist; past it new pairs are <c>rpc:other</c>. Default 200.</summary>
    public int RpcNameBudget { get; init; } = DefaultRpcNameBudget;

    /// <summary>User rules, tried in order before the built-in catalog; the first that matches names the request. Default none.</summary>
    public IReadOnlyList<ClassificationRule> Rules { get; init; } = [];
}
