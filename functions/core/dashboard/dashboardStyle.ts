// The dashboard's stylesheet (inline: the page loads nothing from elsewhere). Narrow screens (≤ 560 px) get
// tighter margins; the heatmap scrolls sideways inside its panel rather than widening the page.
export const DASHBOARD_STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--line:#e6e8eb;--bg:#f4f5f7}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:var(--bg);color:var(--fg)}
main{max-width:1240px;margin:20px auto;padding:0 16px}
h1{font-size:1.4rem;margin:0 0 2px}
.sub{color:var(--muted);margin:0 0 14px}
section{background:#fff;border-radius:10px;box-shadow:0 1px 3px #0002;padding:14px 18px;margin:0 0 16px}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:8px 12px;margin-bottom:10px}
.bar h2{font-size:1.05rem;margin:0 auto 0 0}
.bar label{font-size:.88rem;color:var(--muted)}
.control{white-space:nowrap}
select,button{font:inherit;font-size:.88rem;padding:3px 9px;border-radius:6px;border:1px solid #c4c9cf;background:#fff;color:inherit}
select{max-width:100%}
#add-city{max-width:min(100%,300px)}
button{cursor:pointer}
button:hover:not(:disabled){background:#f1f3f5}
button:disabled{opacity:.5;cursor:default}
.hint,.note{color:var(--muted);font-size:.85rem;margin:8px 0 0}
.note:empty{display:none}
.warn{color:#b42318}
.synthetic{border:2px solid #c92a2a;background:#fff5f5;color:#c92a2a;padding:8px 12px;border-radius:6px;font-weight:600}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
svg{display:block}
svg text{font-size:12px;fill:var(--muted)}
.month-label{font-size:11px}
.city-label{cursor:pointer;fill:var(--fg)}
.city-label:hover{text-decoration:underline}
.city-label.selected{font-weight:650}
.cell{cursor:pointer}
.cell:hover{stroke:#1f2328;stroke-width:1.5}
.cell-value{font-size:11px;pointer-events:none}
.missing-mark{fill:#1f2328;pointer-events:none}
.legend{display:flex;flex-wrap:wrap;align-items:center;gap:6px 18px;margin-top:10px;font-size:.82rem;color:var(--muted)}
.legend svg text{font-size:10px}
.swatch{display:inline-block;width:14px;height:14px;border-radius:3px;vertical-align:-2px;margin-right:5px}
.chips{display:flex;flex-wrap:wrap;gap:6px;list-style:none;margin:0 0 8px;padding:0}
.chip{display:flex;align-items:center;gap:6px;border:1px solid var(--line);border-radius:14px;padding:2px 4px 2px 10px;font-size:.88rem}
.chip span{max-width:min(60vw,320px);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.chip i{width:12px;height:4px;border-radius:2px;display:inline-block}
.chip button{border:0;padding:0 6px;font-size:1rem;line-height:1;background:none}
.grid{stroke:var(--line);stroke-width:1}
.axis-unit{font-weight:600}
.compare-line{fill:none;stroke-width:2.4;stroke-linejoin:round;stroke-linecap:round}
.compare-point{stroke-width:2}
.day-range{fill:#adb5bd}
.day-mean{fill:#343a40;stroke:#fff;stroke-width:1.5}
.day-missing .day-range{fill:#f59f00}
.day-missing .day-mean{fill:#fff;stroke:#e8590c}
footer{margin:4px 0 24px;font-size:.8rem;color:var(--muted)}
footer a{color:inherit}
@media (max-width:560px){body{font-size:14px}main{margin:10px auto;padding:0 8px}section{padding:10px 10px 12px}h1{font-size:1.2rem}.bar h2{flex-basis:100%}}
`;
