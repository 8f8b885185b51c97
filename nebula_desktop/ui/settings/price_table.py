"""``PriceTable``: model prices (dollars per 1M input and output tokens) in the profile editor.

Optional: with a price for a model, each answer shows what it cost. Rows without a model name
are ignored; a price that is not a non-negative number blocks saving with a message.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


class PriceTable(QWidget):
    """Model prices in dollars per 1M input and output tokens (optional; shows answer costs)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 3, self)
        self.table.setAccessibleName(self.tr("Prices per model"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Model"), self.tr("Input $/1M"), self.tr("Output $/1M")]
        )
        # Three narrow columns share the form's width: no sideways scrolling.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setFixedHeight(self.fontMetrics().lineSpacing() * 6 + 16)
        add = QToolButton(self)
        add.setText(self.tr("Add price"))
        add.clicked.connect(lambda: self.add_row("", 0.0, 0.0))
        remove = QToolButton(self)
        remove.setText(self.tr("Remove price"))
        remove.clicked.connect(self._on_remove_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def load(self, prices: dict[str, dict[str, float]]) -> None:
        self.table.setRowCount(0)
        for model, price in prices.items():
            self.add_row(model, price.get("input", 0.0), price.get("output", 0.0))

    def add_row(self, model: str, input_price: float, output_price: float) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, value in enumerate((model, f"{input_price:g}", f"{output_price:g}")):
            self.table.setItem(row, column, QTableWidgetItem(value))
        first = self.table.item(row, 0)
        if not model and first is not None:
            self.table.editItem(first)  # a new row: type the model name straight away

    def prices(self) -> tuple[dict[str, dict[str, float]], list[str]]:
        """(prices by model, problems); rows without a model name are ignored."""
        prices: dict[str, dict[str, float]] = {}
        problems: list[str] = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, c) for c in range(3)]
            model, *numbers = [(c.text() if c is not None else "").strip() for c in cells]
            if not model:
                continue
            try:
                values = [float(n or 0) for n in numbers]
            except ValueError:
                values = [-1.0]
            if any(v < 0 or v != v or v == float("inf") for v in values):
                problems.append(
                    self.tr("The price of {model} must be a number of dollars, e.g. 0.15.").format(
                        model=model
                    )
                )
                continue
            prices[model] = {"input": values[0], "output": values[1]}
        return prices, problems

    def _on_remove_clicked(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
