namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>A model/method pair that names a business operation, e.g. <c>sale.order</c>/<c>action_confirm</c> -&gt; <c>sale_order.confirm</c>.</summary>
public sealed record BusinessOperation(string Model, string Method, string Operation);
