package dev.tokenwarden.demo.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * The ratios as horizontal bars (1.0 = as good as the ceiling), with the scenario's goal as a tick where the goal
 * is a ratio. Drawn with java.awt headless: no chart library for one picture.
 */
final class BenchChart {
    private static final int WIDTH = 1000;
    private static final int ROW = 34;
    private static final int LEFT = 380;
    private static final int RIGHT = 60;
    private static final int TOP = 60;

    private BenchChart() {
    }

    static void write(List<BenchRow> rows, String subtitle, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<BenchRow> shown = rows.stream().filter(r -> r.ratio() != null).toList();
        int height = TOP + ROW * Math.max(1, shown.size()) + 50;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("tokenwarden bench: ratio to the ceiling measured in the same run (1.0 = as good)", 20, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(subtitle, 20, 44);
        double max = Math.max(1.2, shown.stream().mapToDouble(BenchRow::ratio).max().orElse(1));
        int plot = WIDTH - LEFT - RIGHT;
        int x1 = LEFT + (int) (plot / max);
        for (int i = 0; i < shown.size(); i++) {
            BenchRow r = shown.get(i);
            int y = TOP + i * ROW;
            g.setColor(Color.BLACK);
            g.drawString(r.measure(), 20, y + 20);
            int w = (int) (plot * r.ratio() / max);
            boolean metGoal = !Boolean.FALSE.equals(r.goalMet());
            g.setColor(metGoal ? new Color(0x3b7dd8) : new Color(0xd8843b));
            g.fillRect(LEFT, y + 6, Math.max(1, w), ROW - 12);
            g.setColor(Color.BLACK);
            g.drawString(String.format("%.2f", r.ratio()), LEFT + w + 6, y + 21);
            if (r.goalRatio() != null) {
                int gx = LEFT + (int) (plot * r.goalRatio() / max);
                g.setColor(new Color(0xaa0000));
                g.setStroke(new BasicStroke(3));
                g.drawLine(gx, y + 2, gx, y + ROW - 2);
            }
        }
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 4}, 0));
        g.drawLine(x1, TOP - 4, x1, TOP + ROW * shown.size());
        g.drawString("1.0", x1 - 8, TOP + ROW * shown.size() + 16);
        g.setColor(Color.BLACK);
        g.drawString("blue: goal met (or none); orange: goal missed; red tick: the goal where it is a ratio", 20, height - 12);
        g.dispose();
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        ImageIO.write(img, "png", file.toFile());
    }
}
