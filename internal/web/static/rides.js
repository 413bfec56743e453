// rides pages: behaviour of their own, after app.js.
"use strict";
