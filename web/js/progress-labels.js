// The label of the engine's progress for the best look, shared by the worker (which posts it for
// the refine's unlabelled progress) and the page (js/progressive.js: that label goes to the best
// look's own bar, any other, e.g. the relief's plates, to the status line).
export const REFINING = "Refining the look";
