"""The compositing stage: the cut-out product on its background, placed on the canvas.

``geometry`` reads the mask (bbox, base line, parts); ``layout`` picks plane or flat;
``backgrounds`` renders the wall/floor plane, presets, colours and images; ``edges`` and
``decontaminate`` prepare the soft edge; ``shadow`` adds the contact shadow and reflection;
``compose`` places and blends. ``filters`` holds the small numpy filters they share.

Import the modules themselves (``from app.compose.compose import compose``): nothing is
re-exported here, so ``app.compose.compose`` always names the module.
"""
