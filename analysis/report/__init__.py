"""The published report (``90_report``): one module per part of the page, each text written from the numbers.

formatting · summary · tidy · readings · model_tables · power_table · caveats · figure_list · changes · colophon"""

# The report's sections, in the order the page shows them.
SECTIONS = (
    "Data summary",
    "Figures",
    "Model tables",
    "Caveats",
    "What changed since the previous run",
    "Colophon",
)
